package dev.anomalyops.train;

import dev.anomalyops.core.FeatureSchema;
import dev.anomalyops.core.scoring.FeatureBatch;
import java.util.Objects;
import java.util.OptionalLong;

/**
 * Rows to fit or score, delivered in batches. Every call to {@link #forEachBatch} is one complete pass in the
 * same order, so detectors can read a source several times (count, sample, score) while holding only a
 * batch and their own bounded state, never the whole data set.
 *
 * <pre>{@code
 * RowSource rows = CsvRowSource.builder(Path.of("metrics.csv.gz")).build();   // streamed from disk
 * RowSource same = RowSource.of(batch);                                      // already in memory
 * }</pre>
 */
public interface RowSource {

    /** @return the layout of every row */
    FeatureSchema schema();

    /** @return the number of rows when it is known without reading them */
    OptionalLong size();

    /**
     * Reads every row once, in order. The batch handed to the visitor may be reused for the next call: copy
     * what you keep.
     *
     * @param visitor receives each batch with the index of its first row
     * @throws dev.anomalyops.core.InputException when the underlying data cannot be parsed
     * @throws dev.anomalyops.core.StorageException when it cannot be read
     */
    void forEachBatch(BatchVisitor visitor);

    /**
     * Reads every row into one new batch. This holds the whole source in memory: use it for data that fits,
     * such as an evaluation period, never as a way to fit or score.
     *
     * @return a batch owning a copy of every row
     */
    default FeatureBatch collect() {
        int width = schema().size();
        float[][] values = {new float[(int) Math.min(Integer.MAX_VALUE - 8, Math.max(1, size().orElse(1024)) * width)]};
        int[] rows = {0};
        forEachBatch((batch, first) -> {
            int needed = Math.multiplyExact(rows[0] + batch.rows(), width);
            if (needed > values[0].length) {
                values[0] = java.util.Arrays.copyOf(values[0], Math.max(needed, values[0].length * 2));
            }
            System.arraycopy(batch.values(), 0, values[0], rows[0] * width, batch.rows() * width);
            rows[0] += batch.rows();
        });
        return FeatureBatch.wrap(schema(), java.util.Arrays.copyOf(values[0], rows[0] * width), rows[0]);
    }

    /** Receives one batch of a pass. */
    @FunctionalInterface
    interface BatchVisitor {
        /**
         * @param batch rows {@code firstRow .. firstRow + batch.rows() - 1} of the source
         * @param firstRow index of the batch's first row in the source
         */
        void visit(FeatureBatch batch, long firstRow);
    }

    /**
     * @param batch rows already in memory (shared, not copied)
     * @return a source that hands out that batch as its single batch
     */
    static RowSource of(FeatureBatch batch) {
        Objects.requireNonNull(batch, "batch");
        return new RowSource() {
            @Override
            public FeatureSchema schema() {
                return batch.schema();
            }

            @Override
            public OptionalLong size() {
                return OptionalLong.of(batch.rows());
            }

            @Override
            public void forEachBatch(BatchVisitor visitor) {
                visitor.visit(batch, 0);
            }

            @Override
            public String toString() {
                return "RowSource[" + batch + "]";
            }
        };
    }

    /**
     * @param schema the row layout
     * @param values row-major values (shared, not copied)
     * @param rows number of rows
     * @return an in-memory source
     */
    static RowSource of(FeatureSchema schema, float[] values, int rows) {
        return of(FeatureBatch.wrap(schema, values, rows));
    }
}
