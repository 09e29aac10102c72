package dev.anomalyops.core;

/**
 * A transient failure of a remote dependency (unavailable, deadline exceeded, throttled, 5xx). Retry
 * loops select on this type: back off and try again.
 */
public class RetriableException extends AnomalyOpsException {
    private static final long serialVersionUID = 1L;

    /** @param message what failed and the remote side's own message */
    public RetriableException(String message) {
        super(message);
    }

    /**
     * @param message what failed and the remote side's own message
     * @param cause the transport failure
     */
    public RetriableException(String message, Throwable cause) {
        super(message, cause);
    }
}
