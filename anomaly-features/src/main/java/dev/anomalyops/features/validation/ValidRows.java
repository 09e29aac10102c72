package dev.anomalyops.features.validation;

import dev.anomalyops.features.metrics.MetricFrame;

/** Receives the rows that passed validation, in input order. */
@FunctionalInterface
public interface ValidRows {
    /**
     * @param instance the instance key
     * @param timestamp epoch milliseconds
     * @param values one value per spec metric (the array is reused: copy what you keep)
     */
    void accept(String instance, long timestamp, double[] values);

    /** @param frame a frame with the spec's metrics @return a sink that appends to it */
    static ValidRows into(MetricFrame frame) {
        return frame::add;
    }
}
