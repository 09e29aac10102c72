package dev.anomalyops.triton.server;

import dev.anomalyops.core.InputException;
import dev.anomalyops.core.NotFoundException;
import dev.anomalyops.core.RetriableException;
import dev.anomalyops.core.SchemaMismatchException;
import dev.anomalyops.triton.InvalidRequestException;
import java.util.concurrent.CompletionException;

/**
 * The status a failure is answered with, on HTTP and on gRPC, following Triton's mapping (INVALID_ARG → 400 /
 * INVALID_ARGUMENT, NOT_FOUND → 404 / NOT_FOUND, UNAVAILABLE → 503 / UNAVAILABLE, UNSUPPORTED → 501 /
 * UNIMPLEMENTED, INTERNAL → 500 / INTERNAL), plus 413 / RESOURCE_EXHAUSTED for bodies over the size limit and 429 / RESOURCE_EXHAUSTED for requests shed
 * under overload.
 */
public enum ErrorStatus {
    /** The request is malformed or does not fit the model. */
    INVALID_ARGUMENT(400, 3),
    /** Unknown model, version or path. */
    NOT_FOUND(404, 5),
    /** The wrong HTTP method for a path. */
    METHOD_NOT_ALLOWED(405, 12),
    /** The body is larger than the server accepts. */
    PAYLOAD_TOO_LARGE(413, 8),
    /** The server is at its concurrency limit and sheds the request; retry after a short wait. */
    OVERLOADED(429, 8),
    /** The server or model is not ready, or a dependency failed transiently. */
    UNAVAILABLE(503, 14),
    /** A protocol feature the server does not implement. */
    UNIMPLEMENTED(501, 12),
    /** A bug or an unexpected failure; the message says what. */
    INTERNAL(500, 13);

    private final int http;
    private final int grpc;

    ErrorStatus(int http, int grpc) {
        this.http = http;
        this.grpc = grpc;
    }

    /** @return the HTTP status code */
    public int httpStatus() {
        return http;
    }

    /** @return the gRPC status code value ({@code io.grpc.Status.Code#value()}) */
    public int grpcCode() {
        return grpc;
    }

    /**
     * @param failure a failure (CompletionException wrappers are looked through)
     * @return the status to answer it with
     */
    public static ErrorStatus of(Throwable failure) {
        Throwable t = failure;
        while (t instanceof CompletionException && t.getCause() != null) {
            t = t.getCause();
        }
        if (t instanceof NotFoundException) {
            return NOT_FOUND;
        }
        if (t instanceof InvalidRequestException || t instanceof InputException || t instanceof SchemaMismatchException
                || t instanceof IllegalArgumentException) {
            return INVALID_ARGUMENT;
        }
        if (t instanceof RetriableException) {
            return UNAVAILABLE;
        }
        if (t instanceof UnsupportedOperationException) {
            return UNIMPLEMENTED;
        }
        return INTERNAL;
    }

    /**
     * @param failure a failure
     * @return the message to send: the exception's own sentence
     */
    public static String message(Throwable failure) {
        Throwable t = failure;
        while (t instanceof CompletionException && t.getCause() != null) {
            t = t.getCause();
        }
        String message = t.getMessage();
        return message == null || message.isBlank() ? t.getClass().getSimpleName() : message;
    }
}
