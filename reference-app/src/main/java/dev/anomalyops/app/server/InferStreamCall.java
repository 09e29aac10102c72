package dev.anomalyops.app.server;

import com.linecorp.armeria.server.ServiceRequestContext;
import dev.anomalyops.triton.server.GrpcEndpoints;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import org.jspecify.annotations.Nullable;

/**
 * One {@code ModelStreamInfer} call (Triton's bidirectional stream): scores each request message on the scoring
 * pool as it arrives, lets answers overtake one another (the client matches them by id), and ends the response
 * stream once the client has half-closed and every answer is written. Answers complete on scoring threads (or at once,
 * on the event loop) while {@link StreamObserver} is not thread-safe, so every write is decided under this object's
 * lock and run on the call's event loop, in that order (see {@link #write}).
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
    private final Executor writer;

    /** Called by Armeria on the call's event loop, in its request context. */
    InferStreamCall(GrpcEndpoints endpoints, StreamObserver<byte[]> responses, Admission admission,
            Executor scoring) {
        this.endpoints = endpoints;
        this.responses = responses;
        this.admission = admission;
        this.scoring = scoring;
        this.writer = ServiceRequestContext.current().eventLoop();
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

    private void answered(byte[] response, @Nullable Throwable failure) {
        synchronized (this) {
            if (ended) {
                return;
            }
            inFlight--;
            if (failure != null) {
                // handleStreamMessage encodes request failures in the message; reaching here is a server bug.
                ended = true;
                write(() -> responses.onError(Status.INTERNAL.withDescription("Stream answer failed: " + failure)
                        .asRuntimeException()));
                return;
            }
            boolean last = halfClosed && inFlight == 0;
            ended = last;
            write(() -> {
                responses.onNext(response);
                if (last) {
                    responses.onCompleted();
                }
            });
        }
    }

    /**
     * Queues a write on the call's event loop, in the order the writes were decided (callers hold this object's
     * lock). Armeria runs a call's send at once when it is on the call's event loop and schedules it otherwise, so
     * writes from scoring threads and from the event loop could overtake one another: an answer sent on the event
     * loop right behind the first answer from a scoring thread found the response headers still queued and was lost
     * ("sendHeaders has not been called"). Every write now goes through the queue.
     */
    private void write(Runnable write) {
        writer.execute(write);
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
            write(responses::onCompleted);
        }
    }
}
