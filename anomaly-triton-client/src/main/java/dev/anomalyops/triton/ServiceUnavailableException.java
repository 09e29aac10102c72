package dev.anomalyops.triton;

import dev.anomalyops.core.RetriableException;

/**
 * The server is unavailable (HTTP 503, gRPC {@code UNAVAILABLE}, connection refused or reset): the one failure
 * {@link dev.anomalyops.triton.client.TritonClient} retries on its own, with back-off, within the call's deadline.
 */
public class ServiceUnavailableException extends RetriableException {
    private static final long serialVersionUID = 1L;

    /** @param message what failed and the server's own message */
    public ServiceUnavailableException(String message) {
        super(message);
    }

    /**
     * @param message what failed
     * @param cause the transport failure
     */
    public ServiceUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
