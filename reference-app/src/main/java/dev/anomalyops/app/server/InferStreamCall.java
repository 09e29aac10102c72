package dev.anomalyops.app.server;

import dev.anomalyops.triton.server.GrpcEndpoints;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;

/**
 * One {@code ModelStreamInfer} call (Triton's bidirectional stream): answers each request message as it arrives,
 * lets answers overtake one another (the client matches them by id), and ends the response stream once the client
 * has half-closed and every answer is written. Answers complete on scoring threads while {@link StreamObserver} is
 * not thread-safe, so writes are serialised on this object.
 *
 * <p>A client that sends faster than it reads cannot make the server buffer without bound: beyond
 * {@link #MAX_IN_FLIGHT} unanswered requests on one stream, further ones are answered at once with a
 * {@code RESOURCE_EXHAUSTED} stream error.
 */
final class InferStreamCall implements StreamObserver<byte[]> {
    /** Most requests of one stream being scored at once. */
    static final int MAX_IN_FLIGHT = 4096;
    private final GrpcEndpoints endpoints;
    private final StreamObserver<byte[]> responses;
    private int inFlight;
    private boolean halfClosed;
    private boolean ended;

    InferStreamCall(GrpcEndpoints endpoints, StreamObserver<byte[]> responses) {
        this.endpoints = endpoints;
        this.responses = responses;
    }

    @Override
    public void onNext(byte[] request) {
        synchronized (this) {
            if (ended) {
                return;
            }
            inFlight++;
            if (inFlight > MAX_IN_FLIGHT) {
                answered(endpoints.overloadedStreamMessage(request, MAX_IN_FLIGHT), null);
                return;
            }
        }
        endpoints.handleStreamMessage(request).whenComplete(this::answered);
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
