package dev.anomalyops.app.server;

import dev.anomalyops.triton.server.GrpcEndpoints;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

/**
 * One {@code ModelStreamInfer} call (Triton's bidirectional stream): scores each request message on the scoring
 * pool as it arrives, lets answers overtake one another (the client matches them by id), and ends the response
 * stream once the client has half-closed and every answer is written. Answers complete on scoring threads while
 * {@link StreamObserver} is not thread-safe, so writes are serialised on this object.
 *
 * <p>Each message counts against the server's in-flight limit ({@link Admission}) like a unary request: over it,
 * the message is answered at once with a {@code RESOURCE_EXHAUSTED} stream error and the stream goes on, so a
 * client that sends faster than the server scores cannot make it queue without bound.
 */
final class InferStreamCall implements StreamObserver<byte[]> {
    private final GrpcEndpoints endpoints;
    private final StreamObserver<byte[]> responses;
    private final Admission admission;
    private final Executor scoring;
    private int inFlight;
    private boolean halfClosed;
    private boolean ended;

    InferStreamCall(GrpcEndpoints endpoints, StreamObserver<byte[]> responses, Admission admission,
            Executor scoring) {
        this.endpoints = endpoints;
        this.responses = responses;
        this.admission = admission;
        this.scoring = scoring;
    }

    @Override
    public void onNext(byte[] request) {
        synchronized (this) {
            if (ended) {
                return;
            }
            inFlight++;
        }
        if (!admission.admitStreamMessage()) {
            answered(endpoints.overloadedStreamMessage(request, admission.overloadedMessage()), null);
            return;
        }
        CompletableFuture<byte[]> answer;
        try {
            answer = CompletableFuture.supplyAsync(() -> endpoints.handleStreamMessage(request), scoring)
                    .thenCompose(f -> f);
        } catch (RejectedExecutionException e) {
            answer = CompletableFuture.failedFuture(e);
        }
        answer.whenComplete((response, failure) -> {
            admission.release();
            answered(response, failure);
        });
    }

    private synchronized void answered(byte[] response, Throwable failure) {
        if (ended) {
            return;
        }
        inFlight--;
        if (failure != null) {
            // handleStreamMessage encodes request failures in the message; reaching here is a server bug.
            ended = true;
            responses.onError(Status.INTERNAL.withDescription("Stream answer failed: " + failure).asRuntimeException());
            return;
        }
        responses.onNext(response);
        if (halfClosed && inFlight == 0) {
            ended = true;
            responses.onCompleted();
        }
    }

    @Override
    public synchronized void onError(Throwable cause) {
        // The client cancelled or the connection broke: answers still being scored are dropped.
        ended = true;
    }

    @Override
    public synchronized void onCompleted() {
        halfClosed = true;
        if (inFlight == 0 && !ended) {
            ended = true;
            responses.onCompleted();
        }
    }
}
