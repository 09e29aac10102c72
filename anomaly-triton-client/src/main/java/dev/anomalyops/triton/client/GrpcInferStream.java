package dev.anomalyops.triton.client;

import dev.anomalyops.core.NonRetriableException;
import dev.anomalyops.core.RetriableException;
import dev.anomalyops.triton.InferRequest;
import dev.anomalyops.triton.InferResponse;
import dev.anomalyops.triton.InvalidRequestException;
import dev.anomalyops.triton.internal.ProtoCodec;
import dev.anomalyops.triton.internal.grpc.GRPCInferenceServiceGrpc;
import dev.anomalyops.triton.internal.grpc.GrpcService;
import dev.anomalyops.triton.server.GrpcEndpoints;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;

/**
 * {@link InferStream} on grpc-java: one {@code ModelStreamInfer} call at a time (opened on first use and again after
 * it breaks), answers matched to their futures by request id.
 */
final class GrpcInferStream implements InferStream {
    private final GRPCInferenceServiceGrpc.GRPCInferenceServiceStub stub;
    private final Duration deadline;
    private final String idPrefix = "s" + Long.toHexString(ThreadLocalRandom.current().nextLong()) + "-";
    private final AtomicLong sequence = new AtomicLong();
    private final Map<String, CompletableFuture<InferResponse>> waiting = new ConcurrentHashMap<>();
    private @Nullable StreamObserver<GrpcService.ModelInferRequest> requests;
    private boolean closed;

    GrpcInferStream(GRPCInferenceServiceGrpc.GRPCInferenceServiceStub stub, Duration deadline) {
        this.stub = stub;
        this.deadline = deadline;
    }

    @Override
    public CompletableFuture<InferResponse> infer(InferRequest request) {
        InferRequest withId = request.id().isEmpty() ? request.withId(idPrefix + sequence.incrementAndGet()) : request;
        String id = withId.id();
        CompletableFuture<InferResponse> answer = new CompletableFuture<>();
        if (waiting.putIfAbsent(id, answer) != null) {
            return CompletableFuture.failedFuture(new InvalidRequestException("Request id \"" + id
                    + "\" is already waiting for its answer on this stream; give each request in flight its own id"));
        }
        GrpcService.ModelInferRequest message;
        try {
            message = ProtoCodec.toProto(withId);
        } catch (RuntimeException e) {
            waiting.remove(id);
            return CompletableFuture.failedFuture(e);
        }
        synchronized (this) {
            if (closed) {
                waiting.remove(id);
                return CompletableFuture.failedFuture(new IllegalStateException("The stream is closed"));
            }
            if (requests == null) {
                requests = stub.modelStreamInfer(new Answers());
            }
            requests.onNext(message);
        }
        // orTimeout cancels its timer when the answer comes first, so waiting requests cost no timer tasks later.
        return answer.orTimeout(deadline.toNanos(), TimeUnit.NANOSECONDS).handle((response, failure) -> {
            if (failure == null) {
                return response;
            }
            waiting.remove(id, answer);
            if (failure instanceof TimeoutException) {
                throw new RetriableException("Stream inference on model \"" + withId.model() + "\" got no answer to"
                        + " request \"" + id + "\" within the " + deadline.toMillis() + " ms deadline");
            }
            throw failure instanceof RuntimeException r ? r : new NonRetriableException(failure.toString(), failure);
        });
    }

    /** Receives one call's answers; a broken or ended call fails every request still waiting. */
    private final class Answers implements StreamObserver<GrpcService.ModelStreamInferResponse> {
        @Override
        public void onNext(GrpcService.ModelStreamInferResponse message) {
            GrpcService.ModelInferResponse response = message.getInferResponse();
            CompletableFuture<InferResponse> answer = waiting.remove(response.getId());
            if (answer == null) {
                return; // its request already timed out
            }
            if (message.getErrorMessage().isEmpty()) {
                try {
                    answer.complete(ProtoCodec.fromProto(response));
                } catch (RuntimeException e) {
                    answer.completeExceptionally(e);
                }
                return;
            }
            GrpcService.InferParameter code = response.getParametersMap().get(GrpcEndpoints.STREAM_ERROR_CODE);
            Status status = code == null ? Status.UNKNOWN : Status.fromCodeValue((int) code.getInt64Param());
            answer.completeExceptionally(Errors.grpc(status.withDescription(message.getErrorMessage()),
                    "stream inference on model \"" + response.getModelName() + "\""));
        }

        @Override
        public void onError(Throwable failure) {
            Status status = failure instanceof StatusRuntimeException s ? s.getStatus() : Status.fromThrowable(failure);
            ended(Errors.grpc(status, "inference stream"));
        }

        @Override
        public void onCompleted() {
            ended(Errors.grpc(Status.UNAVAILABLE.withDescription("The server ended the stream before answering"),
                    "inference stream"));
        }

        private void ended(RuntimeException failure) {
            synchronized (GrpcInferStream.this) {
                requests = null;
            }
            for (String id : waiting.keySet()) {
                CompletableFuture<InferResponse> answer = waiting.remove(id);
                if (answer != null) {
                    answer.completeExceptionally(failure);
                }
            }
        }
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return; // idempotent, as Closeable asks: a second half-close would be an IllegalStateException in grpc-java
        }
        closed = true;
        if (requests != null) {
            requests.onCompleted();
            requests = null;
        }
    }
}
