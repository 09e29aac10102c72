package dev.anomalyops.drift.trigger;

/**
 * Receives trigger decisions. Implementations must return quickly (hand slow work to an executor): rule evaluation
 * and webhook handling call it on their own threads.
 */
@FunctionalInterface
public interface TriggerSink {
    /**
     * @param decision the decision to act on
     * @throws java.util.concurrent.RejectedExecutionException when it cannot be accepted now (the caller may retry)
     */
    void accept(TriggerDecision decision);
}
