package dev.anomalyops.triton.client;

import dev.anomalyops.core.NonRetriableException;
import dev.anomalyops.core.NotFoundException;
import dev.anomalyops.core.RetriableException;
import dev.anomalyops.triton.InvalidRequestException;
import dev.anomalyops.triton.ServiceUnavailableException;
import io.grpc.Status;

/** Maps HTTP statuses and gRPC codes onto our exceptions, keeping the server's message. */
final class Errors {
    private Errors() {}

    static RuntimeException http(int status, String what, String message) {
        String text = message + " (" + what + ", HTTP " + status + ")";
        return switch (status) {
            case 400, 409, 422 -> new InvalidRequestException(text);
            case 404 -> new NotFoundException(text);
            case 503 -> new ServiceUnavailableException(text);
            case 408, 429, 504 -> new RetriableException(text);
            default -> new NonRetriableException(text);
        };
    }

    static RuntimeException grpc(Status status, String what) {
        String message = status.getDescription() != null ? status.getDescription() : status.getCode().name();
        String text = message + " (" + what + ", gRPC " + status.getCode() + ")";
        return switch (status.getCode()) {
            case INVALID_ARGUMENT, ALREADY_EXISTS, OUT_OF_RANGE, FAILED_PRECONDITION -> new InvalidRequestException(text);
            case NOT_FOUND -> new NotFoundException(text);
            case UNAVAILABLE -> new ServiceUnavailableException(text, status.asRuntimeException());
            case DEADLINE_EXCEEDED, RESOURCE_EXHAUSTED, ABORTED, CANCELLED -> new RetriableException(text,
                    status.asRuntimeException());
            default -> new NonRetriableException(text, status.asRuntimeException());
        };
    }
}
