package dev.anomalyops.features.metrics;

import java.io.IOException;

/** Receives the rows an execution computes, one at a time, in input order. */
@FunctionalInterface
public interface FeatureSink {
    /**
     * @param instance the instance key
     * @param timestamp epoch milliseconds
     * @param row the feature buffer (reused: copy what you keep)
     * @param offset where the row starts; the width is the schema's size
     * @throws IOException when the row cannot be written
     */
    void accept(String instance, long timestamp, float[] row, int offset) throws IOException;
}
