package dev.anomalyops.triton.client;

import dev.anomalyops.triton.InferRequest;
import dev.anomalyops.triton.InferResponse;
import java.util.concurrent.CompletableFuture;

/**
 * Many inference requests over one long-lived gRPC stream (Triton's {@code ModelStreamInfer}), for callers that
 * send a high rate of small requests: each request costs one message on an open HTTP/2 stream instead of a new
 * call with its own headers, which on a small machine multiplies the requests per second a server answers.
 * Answers may arrive in any order; each future completes with its own request's answer (matched by request id).
 *
 * <p>Thread-safe. A request without an id gets one; a request whose id is still waiting for its answer on this
 * stream is refused ({@link dev.anomalyops.triton.InvalidRequestException}). Failures are the same exceptions as
 * {@link TritonClient#inferAsync}'s; a request not answered within the client's deadline fails with {@link
 * dev.anomalyops.core.RetriableException}. If the stream breaks, its waiting requests fail and the next request
 * opens a new stream. Requests are not retried: a stream offers no way to know whether the server scored one.
 *
 * <pre>{@code
 * try (InferStream stream = client.openStream()) {
 *     CompletableFuture<InferResponse> answer = stream.infer(request);
 * }
 * }</pre>
 */
public interface InferStream extends AutoCloseable {
    /**
     * @param request the request
     * @return its answer
     */
    CompletableFuture<InferResponse> infer(InferRequest request);

    /** Ends the stream for sending; requests already sent still get their answers. Idempotent. */
    @Override
    void close();
}
