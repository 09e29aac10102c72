package dev.anomalyops.triton;

import dev.anomalyops.core.NonRetriableException;

/**
 * An inference request the protocol or the model rejects (HTTP 400, gRPC {@code INVALID_ARGUMENT}): malformed
 * JSON, a wrong shape, datatype or tensor name. Thrown by the client with the server's own message, and by the
 * server-side codecs when they read such a request. Retrying the same request will not help.
 */
public class InvalidRequestException extends NonRetriableException {
    private static final long serialVersionUID = 1L;

    /** @param message what is wrong, naming the tensor or field */
    public InvalidRequestException(String message) {
        super(message);
    }

    /**
     * @param message what is wrong
     * @param cause the parse failure
     */
    public InvalidRequestException(String message, Throwable cause) {
        super(message, cause);
    }
}
