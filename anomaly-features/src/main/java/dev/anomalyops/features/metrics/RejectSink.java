package dev.anomalyops.features.metrics;

import java.io.IOException;

/** Receives the samples an execution rejected, with the reason, so that nothing is dropped silently. */
@FunctionalInterface
public interface RejectSink {
    /**
     * @param rowNumber the sample's 0-based position in the input
     * @param instance the instance key
     * @param timestamp epoch milliseconds
     * @param outcome why it was rejected
     * @throws IOException when it cannot be recorded
     */
    void reject(long rowNumber, String instance, long timestamp, Outcome outcome) throws IOException;
}
