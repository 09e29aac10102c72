package dev.anomalyops.triton.server;

import org.jspecify.annotations.Nullable;

/** Observes inferences, for metrics. Called on the thread that completed the request; keep it cheap. */
public interface InferenceListener {
    /**
     * @param model model name (as requested, or the one that answered)
     * @param version version that answered, or empty when none did
     * @param rows rows in the request
     * @param nanos time from receiving the decoded request to the scored response
     * @param failure the failure, or null on success
     */
    void inferred(String model, String version, int rows, long nanos, @Nullable Throwable failure);

    /**
     * @param model model name
     * @param rows rows in one batch the dynamic batcher scored
     */
    default void batched(String model, int rows) {}

    /** @return a listener that ignores everything */
    static InferenceListener none() {
        return (model, version, rows, nanos, failure) -> { };
    }
}
