package dev.anomalyops.features.metrics;

import java.io.IOException;
import org.jspecify.annotations.Nullable;

/**
 * A dataset of metric samples read chunk by chunk (CSV here, Parquet in {@code dev.anomalyops.features.parquet}).
 * For {@link BatchFeatures} the rows must be grouped by instance and, within an instance, in time order (late rows
 * are rejected as out of order, never reordered).
 */
public interface MetricSource extends AutoCloseable {
    /** @return the metric names of every chunk, in value order */
    java.util.List<String> metrics();

    /**
     * @return the next chunk, or {@code null} at the end; the returned frame may be reused by the next call
     * @throws IOException when the data cannot be read
     */
    @Nullable MetricFrame next() throws IOException;

    @Override
    void close() throws IOException;

    /**
     * @param frame samples already in memory
     * @return a source that yields {@code frame} as its only chunk
     */
    static MetricSource of(MetricFrame frame) {
        return new MetricSource() {
            private boolean done;

            @Override
            public java.util.List<String> metrics() {
                return frame.metrics();
            }

            @Override
            public @Nullable MetricFrame next() {
                if (done) {
                    return null;
                }
                done = true;
                return frame;
            }

            @Override
            public void close() {}
        };
    }
}
