package dev.anomalyops.drift.trigger;

import java.util.Objects;

/**
 * What a {@link RetrainTrigger} did.
 *
 * @param status the outcome
 * @param id an identifier of the started job or dispatched run request, for logs
 * @param detail one human-readable sentence
 */
public record RetrainResult(Status status, String id, String detail) {
    /** Outcomes of a retrain request. */
    public enum Status {
        /** A local job started. */
        STARTED,
        /** A retrain for the same model is still running; nothing new started. */
        ALREADY_RUNNING,
        /** The request was handed to a remote system (a CI workflow) that accepted it. */
        DISPATCHED
    }

    /** Checks the parts. */
    public RetrainResult {
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(detail, "detail");
    }
}
