package dev.anomalyops.triton.client;

import dev.anomalyops.triton.internal.ProtoCodec;

import dev.anomalyops.triton.InferRequest;
import dev.anomalyops.triton.InferResponse;
import dev.anomalyops.triton.ModelMetadata;
import dev.anomalyops.triton.RepositoryModel;
import dev.anomalyops.triton.ServerMetadata;
import dev.anomalyops.triton.internal.grpc.GRPCInferenceServiceGrpc;
import dev.anomalyops.triton.internal.grpc.GrpcService;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ChannelCredentials;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.ForwardingClientCall;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.TlsChannelCredentials;
import io.grpc.stub.StreamObserver;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import java.util.function.Function;
import javax.net.ssl.KeyManager;
import org.jspecify.annotations.Nullable;

/**
 * gRPC over one {@link ManagedChannel} (Netty, shaded inside grpc-java), which multiplexes every call over one
 * HTTP/2 connection. Extra headers travel as call metadata.
 */
final class GrpcTransport implements WireTransport {
    private final ManagedChannel channel;
    private final GRPCInferenceServiceGrpc.GRPCInferenceServiceStub stub;

    GrpcTransport(URI endpoint, Duration connectTimeout, Map<String, String> headers, @Nullable ClientTls tls,
            @Nullable Executor callbackExecutor) {
        ChannelCredentials credentials = InsecureChannelCredentials.create();
        if (tls != null) {
            TlsChannelCredentials.Builder builder = TlsChannelCredentials.newBuilder().trustManager(tls.trustManagers());
            KeyManager[] keys = tls.keyManagers();
            if (keys.length > 0) {
                builder.keyManager(keys);
            }
            credentials = builder.build();
        }
        ManagedChannelBuilder<?> builder = Grpc.newChannelBuilderForAddress(endpoint.getHost(), endpoint.getPort(),
                        credentials)
                .maxInboundMessageSize(256 << 20);
        if (callbackExecutor != null) {
            builder.executor(callbackExecutor);
        }
        this.channel = builder.build();
        GRPCInferenceServiceGrpc.GRPCInferenceServiceStub s = GRPCInferenceServiceGrpc.newStub(channel);
        if (!headers.isEmpty()) {
            Metadata metadata = new Metadata();
            headers.forEach((k, v) -> metadata.put(Metadata.Key.of(k, Metadata.ASCII_STRING_MARSHALLER), v));
            s = s.withInterceptors(new ClientInterceptor() {
                @Override
                public <Q, R> ClientCall<Q, R> interceptCall(MethodDescriptor<Q, R> method, CallOptions options,
                        Channel next) {
                    return new ForwardingClientCall.SimpleForwardingClientCall<>(next.newCall(method, options)) {
                        @Override
                        public void start(Listener<R> listener, Metadata extra) {
                            extra.merge(metadata);
                            super.start(listener, extra);
                        }
                    };
                }
            });
        }
        this.stub = s;
    }

    private GRPCInferenceServiceGrpc.GRPCInferenceServiceStub stub(Duration timeout) {
        return stub.withDeadlineAfter(timeout.toNanos(), TimeUnit.NANOSECONDS);
    }

    private static <Q, R, T> CompletableFuture<T> unary(BiConsumer<Q, StreamObserver<R>> method, Q request,
            Function<R, T> convert, String what) {
        CompletableFuture<T> future = new CompletableFuture<>();
        method.accept(request, new StreamObserver<>() {
            @Override
            public void onNext(R value) {
                try {
                    future.complete(convert.apply(value));
                } catch (RuntimeException e) {
                    future.completeExceptionally(e);
                }
            }

            @Override
            public void onError(Throwable t) {
                future.completeExceptionally(t instanceof StatusRuntimeException s ? Errors.grpc(s.getStatus(), what)
                        : Errors.grpc(Status.fromThrowable(t), what));
            }

            @Override
            public void onCompleted() {
                if (!future.isDone()) {
                    future.completeExceptionally(Errors.grpc(Status.INTERNAL.withDescription("no response"), what));
                }
            }
        });
        return future;
    }

    @Override
    public CompletableFuture<Boolean> live(Duration timeout) {
        return unary(stub(timeout)::serverLive, GrpcService.ServerLiveRequest.getDefaultInstance(),
                GrpcService.ServerLiveResponse::getLive, "server live");
    }

    @Override
    public CompletableFuture<Boolean> ready(Duration timeout) {
        return unary(stub(timeout)::serverReady, GrpcService.ServerReadyRequest.getDefaultInstance(),
                GrpcService.ServerReadyResponse::getReady, "server ready");
    }

    @Override
    public CompletableFuture<Boolean> modelReady(String model, String version, Duration timeout) {
        return unary(stub(timeout)::modelReady, GrpcService.ModelReadyRequest.newBuilder().setName(model)
                .setVersion(version).build(), GrpcService.ModelReadyResponse::getReady, "model ready")
                .exceptionally(e -> {
                    Throwable cause = e instanceof java.util.concurrent.CompletionException ? e.getCause() : e;
                    if (cause instanceof dev.anomalyops.core.NotFoundException) {
                        return false;
                    }
                    throw cause instanceof RuntimeException re ? re : new java.util.concurrent.CompletionException(cause);
                });
    }

    @Override
    public CompletableFuture<ServerMetadata> serverMetadata(Duration timeout) {
        return unary(stub(timeout)::serverMetadata, GrpcService.ServerMetadataRequest.getDefaultInstance(),
                ProtoCodec::fromProto, "server metadata");
    }

    @Override
    public CompletableFuture<ModelMetadata> modelMetadata(String model, String version, Duration timeout) {
        return unary(stub(timeout)::modelMetadata, GrpcService.ModelMetadataRequest.newBuilder().setName(model)
                .setVersion(version).build(), ProtoCodec::fromProto, "metadata of model \"" + model + "\"");
    }

    @Override
    public CompletableFuture<InferResponse> infer(InferRequest request, Duration timeout) {
        return unary(stub(timeout)::modelInfer, ProtoCodec.toProto(request), ProtoCodec::fromProto,
                "inference on model \"" + request.model() + "\"");
    }

    @Override
    public InferStream openStream(Duration deadline) {
        return new GrpcInferStream(stub, deadline);
    }

    @Override
    public CompletableFuture<List<RepositoryModel>> index(boolean readyOnly, Duration timeout) {
        return unary(stub(timeout)::repositoryIndex, GrpcService.RepositoryIndexRequest.newBuilder().setReady(readyOnly)
                .build(), ProtoCodec::fromProto, "repository index");
    }

    @Override
    public CompletableFuture<Void> load(String model, Duration timeout) {
        return unary(stub(timeout)::repositoryModelLoad, GrpcService.RepositoryModelLoadRequest.newBuilder()
                .setModelName(model).build(), r -> null, "load of model \"" + model + "\"");
    }

    @Override
    public CompletableFuture<Void> unload(String model, Duration timeout) {
        return unary(stub(timeout)::repositoryModelUnload, GrpcService.RepositoryModelUnloadRequest.newBuilder()
                .setModelName(model).build(), r -> null, "unload of model \"" + model + "\"");
    }

    @Override
    public void close() {
        channel.shutdown();
        try {
            if (!channel.awaitTermination(5, TimeUnit.SECONDS)) {
                channel.shutdownNow();
            }
        } catch (InterruptedException e) {
            channel.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }
}
