package dev.anomalyops.triton.server;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.MessageLite;
import dev.anomalyops.triton.InferResponse;
import dev.anomalyops.triton.InvalidRequestException;
import dev.anomalyops.triton.internal.ProtoCodec;
import dev.anomalyops.triton.internal.grpc.GrpcService;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The protocol's gRPC service ({@code inference.GRPCInferenceService}) over an {@link InferenceService}, at the
 * level of message bytes: a server registers each of {@link #methods()} as a unary method with a pass-through
 * byte marshaller and calls {@link #handle}. Failures complete the future with our exceptions; {@link
 * ErrorStatus#of(Throwable)} gives the gRPC code. Keeping protobuf behind bytes keeps generated classes out of
 * every API, the server's included.
 */
public final class GrpcEndpoints {
    /** The service's full name. */
    public static final String SERVICE = "inference.GRPCInferenceService";
    /** The bidirectional streaming method (Triton's {@code ModelStreamInfer}); served through {@link #handleStreamMessage}. */
    public static final String STREAM_METHOD = "ModelStreamInfer";
    /**
     * Parameter of a failed stream response's {@code infer_response} carrying the gRPC status code, so that our
     * client maps stream failures as it maps unary ones (Triton sends only the message; clients ignore unknown
     * parameters).
     */
    public static final String STREAM_ERROR_CODE = "anomalyops_error_code";
    private static final List<String> METHODS = List.of("ServerLive", "ServerReady", "ModelReady", "ServerMetadata",
            "ModelMetadata", "ModelInfer", "RepositoryIndex", "RepositoryModelLoad", "RepositoryModelUnload");
    /** gRPC's RESOURCE_EXHAUSTED code (grpc-java stays out of this class). */
    private static final int RESOURCE_EXHAUSTED = 8;
    private final InferenceService service;
    private final long maxElements;

    /**
     * @param service what answers
     * @param maxElements most elements one input tensor may declare
     */
    public GrpcEndpoints(InferenceService service, long maxElements) {
        this.service = service;
        this.maxElements = maxElements;
    }

    /** @return the method names served (without the service prefix) */
    public List<String> methods() {
        return METHODS;
    }

    /**
     * @param method a method name from {@link #methods()}
     * @param request the request message's bytes
     * @return the response message's bytes
     */
    public CompletableFuture<byte[]> handle(String method, byte[] request) {
        try {
            return dispatch(method, request).thenApply(MessageLite::toByteArray);
        } catch (InvalidProtocolBufferException e) {
            return CompletableFuture.failedFuture(new InvalidRequestException("The " + method
                    + " request is not a valid protobuf message: " + e.getMessage(), e));
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /**
     * Answers one request message of the {@link #STREAM_METHOD} stream. Never fails: a failure becomes a response
     * whose {@code error_message} says why and whose {@code infer_response} names the request's id and model, so
     * one bad request does not end the stream for the others.
     *
     * @param request a {@code ModelInferRequest} message's bytes
     * @return a {@code ModelStreamInferResponse} message's bytes
     */
    public CompletableFuture<byte[]> handleStreamMessage(byte[] request) {
        GrpcService.ModelInferRequest parsed;
        try {
            parsed = GrpcService.ModelInferRequest.parseFrom(request);
        } catch (InvalidProtocolBufferException e) {
            return CompletableFuture.completedFuture(streamError("", "", new InvalidRequestException(
                    "The " + STREAM_METHOD + " request is not a valid protobuf message: " + e.getMessage(), e)));
        }
        CompletableFuture<InferResponse> answer;
        try {
            answer = service.infer(ProtoCodec.fromProto(parsed, maxElements));
        } catch (RuntimeException e) {
            answer = CompletableFuture.failedFuture(e);
        }
        return answer.handle((response, failure) -> failure == null
                ? GrpcService.ModelStreamInferResponse.newBuilder().setInferResponse(ProtoCodec.toProto(response))
                        .build().toByteArray()
                : streamError(parsed.getId(), parsed.getModelName(), failure));
    }

    /**
     * @param request a stream request message's bytes that the server will not score now (overloaded)
     * @param message why, for the caller
     * @return a {@code RESOURCE_EXHAUSTED} stream answer naming the request
     */
    public byte[] overloadedStreamMessage(byte[] request, String message) {
        GrpcService.ModelInferRequest parsed;
        try {
            parsed = GrpcService.ModelInferRequest.parseFrom(request);
        } catch (InvalidProtocolBufferException e) {
            parsed = GrpcService.ModelInferRequest.getDefaultInstance();
        }
        return streamError(parsed.getId(), parsed.getModelName(), message, RESOURCE_EXHAUSTED);
    }

    private static byte[] streamError(String id, String model, Throwable failure) {
        return streamError(id, model, ErrorStatus.message(failure), ErrorStatus.of(failure).grpcCode());
    }

    private static byte[] streamError(String id, String model, String message, int grpcCode) {
        return GrpcService.ModelStreamInferResponse.newBuilder()
                .setErrorMessage(message)
                .setInferResponse(GrpcService.ModelInferResponse.newBuilder().setId(id).setModelName(model)
                        .putParameters(STREAM_ERROR_CODE, GrpcService.InferParameter.newBuilder()
                                .setInt64Param(grpcCode).build()))
                .build().toByteArray();
    }

    private CompletableFuture<? extends MessageLite> dispatch(String method, byte[] bytes)
            throws InvalidProtocolBufferException {
        switch (method) {
            case "ServerLive" -> {
                return done(GrpcService.ServerLiveResponse.newBuilder().setLive(service.live()).build());
            }
            case "ServerReady" -> {
                return done(GrpcService.ServerReadyResponse.newBuilder().setReady(service.ready()).build());
            }
            case "ModelReady" -> {
                GrpcService.ModelReadyRequest r = GrpcService.ModelReadyRequest.parseFrom(bytes);
                return done(GrpcService.ModelReadyResponse.newBuilder()
                        .setReady(service.modelReady(r.getName(), r.getVersion())).build());
            }
            case "ServerMetadata" -> {
                return done(ProtoCodec.toProto(service.serverMetadata()));
            }
            case "ModelMetadata" -> {
                GrpcService.ModelMetadataRequest r = GrpcService.ModelMetadataRequest.parseFrom(bytes);
                return done(ProtoCodec.toProto(service.modelMetadata(r.getName(), r.getVersion())));
            }
            case "ModelInfer" -> {
                GrpcService.ModelInferRequest r = GrpcService.ModelInferRequest.parseFrom(bytes);
                return service.infer(ProtoCodec.fromProto(r, maxElements)).thenApply(ProtoCodec::toProto);
            }
            case "RepositoryIndex" -> {
                GrpcService.RepositoryIndexRequest r = GrpcService.RepositoryIndexRequest.parseFrom(bytes);
                return done(ProtoCodec.toProto(service.repositoryIndex(r.getReady())));
            }
            case "RepositoryModelLoad" -> {
                service.load(GrpcService.RepositoryModelLoadRequest.parseFrom(bytes).getModelName());
                return done(GrpcService.RepositoryModelLoadResponse.getDefaultInstance());
            }
            case "RepositoryModelUnload" -> {
                service.unload(GrpcService.RepositoryModelUnloadRequest.parseFrom(bytes).getModelName());
                return done(GrpcService.RepositoryModelUnloadResponse.getDefaultInstance());
            }
            default -> throw new UnsupportedOperationException("Method " + SERVICE + "/" + method
                    + " is not implemented");
        }
    }

    private static <T> CompletableFuture<T> done(T value) {
        return CompletableFuture.completedFuture(value);
    }
}
