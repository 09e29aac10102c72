package dev.anomalyops.core;

/** A permanent failure of a remote dependency (invalid request, unauthenticated, 4xx): retrying will not help. */
public class NonRetriableException extends AnomalyOpsException {
    private static final long serialVersionUID = 1L;

    /** @param message what failed and the remote side's own message */
    public NonRetriableException(String message) {
        super(message);
    }

    /**
     * @param message what failed and the remote side's own message
     * @param cause the underlying failure
     */
    public NonRetriableException(String message, Throwable cause) {
        super(message, cause);
    }
}
