package dev.anomalyops.triton.server;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.MessageLite;
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
    private static final List<String> METHODS = List.of("ServerLive", "ServerReady", "ModelReady", "ServerMetadata",
            "ModelMetadata", "ModelInfer", "RepositoryIndex", "RepositoryModelLoad", "RepositoryModelUnload");
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
