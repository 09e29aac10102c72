package dev.anomalyops.triton;

import com.google.protobuf.ByteString;
import dev.anomalyops.core.scoring.FeatureBatch;
import dev.anomalyops.core.scoring.Scorer;
import dev.anomalyops.triton.internal.grpc.GRPCInferenceServiceGrpc;
import dev.anomalyops.triton.internal.grpc.GrpcService;
import io.grpc.Grpc;
import io.grpc.InsecureServerCredentials;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A protocol-faithful stand-in for NVIDIA Triton's gRPC endpoint (Triton itself cannot run here), built from the
 * same {@code grpc_service.proto} as the client and served by grpc-java on loopback. It answers the way Triton's
 * gRPC frontend does: metadata with platform {@code onnxruntime_onnx}, numeric versions and batch dimension -1;
 * outputs only in {@code raw_output_contents}; errors as {@code google.rpc} codes with Triton's own messages
 * ({@code Request for unknown model: 'x' is not found}, {@code unexpected shape for input ...},
 * {@code inference input 'input' data-type is 'INT64', but model 'm' expects 'FP32'}). It can be told to fail the
 * next calls with {@code UNAVAILABLE}, for the retry tests.
 */
final class FakeTritonServer implements AutoCloseable {
    private final Server server;
    private final String model;
    private final Scorer scorer;
    private final AtomicBoolean loaded = new AtomicBoolean(true);
    final AtomicInteger unavailable = new AtomicInteger();
    final AtomicInteger inferCalls = new AtomicInteger();

    FakeTritonServer(String model, Scorer scorer) throws IOException {
        this.model = model;
        this.scorer = scorer;
        this.server = Grpc.newServerBuilderForPort(0, InsecureServerCredentials.create())
                .addService(new Service()).build().start();
    }

    int port() {
        return server.getPort();
    }

    @Override
    public void close() throws InterruptedException {
        server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }

    private final class Service extends GRPCInferenceServiceGrpc.GRPCInferenceServiceImplBase {
        @Override
        public void serverLive(GrpcService.ServerLiveRequest request, StreamObserver<GrpcService.ServerLiveResponse> out) {
            reply(out, GrpcService.ServerLiveResponse.newBuilder().setLive(true).build());
        }

        @Override
        public void serverReady(GrpcService.ServerReadyRequest request,
                StreamObserver<GrpcService.ServerReadyResponse> out) {
            reply(out, GrpcService.ServerReadyResponse.newBuilder().setReady(loaded.get()).build());
        }

        @Override
        public void serverMetadata(GrpcService.ServerMetadataRequest request,
                StreamObserver<GrpcService.ServerMetadataResponse> out) {
            reply(out, GrpcService.ServerMetadataResponse.newBuilder().setName("triton").setVersion("2.62.0")
                    .addExtensions("classification").addExtensions("sequence").addExtensions("model_repository")
                    .addExtensions("model_repository(unload_dependents)").addExtensions("schedule_policy")
                    .addExtensions("model_configuration").addExtensions("binary_tensor_data")
                    .addExtensions("parameters").addExtensions("statistics").build());
        }

        @Override
        public void modelReady(GrpcService.ModelReadyRequest request, StreamObserver<GrpcService.ModelReadyResponse> out) {
            if (!request.getName().equals(model)) {
                out.onError(unknown(request.getName()));
                return;
            }
            reply(out, GrpcService.ModelReadyResponse.newBuilder().setReady(loaded.get()).build());
        }

        @Override
        public void modelMetadata(GrpcService.ModelMetadataRequest request,
                StreamObserver<GrpcService.ModelMetadataResponse> out) {
            if (!request.getName().equals(model) || !loaded.get()) {
                out.onError(unknown(request.getName()));
                return;
            }
            long f = scorer.model().schema().size();
            reply(out, GrpcService.ModelMetadataResponse.newBuilder().setName(model).addVersions("1")
                    .setPlatform("onnxruntime_onnx")
                    .addInputs(tensor("input", "FP32", -1, f))
                    .addOutputs(tensor("label", "INT64", -1))
                    .addOutputs(tensor("probabilities", "FP32", -1, 2)).build());
        }

        @Override
        public void modelInfer(GrpcService.ModelInferRequest request, StreamObserver<GrpcService.ModelInferResponse> out) {
            inferCalls.incrementAndGet();
            if (unavailable.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                out.onError(Status.UNAVAILABLE.withDescription("Server is not ready").asRuntimeException());
                return;
            }
            if (!request.getModelName().equals(model) || !loaded.get()) {
                out.onError(unknown(request.getModelName()));
                return;
            }
            int f = scorer.model().schema().size();
            if (request.getInputsCount() != 1 || !request.getInputs(0).getName().equals("input")) {
                String name = request.getInputsCount() > 0 ? request.getInputs(0).getName() : "";
                out.onError(Status.INVALID_ARGUMENT.withDescription("[request id: " + request.getId()
                        + "] unexpected inference input '" + name + "' for model '" + model + "'").asRuntimeException());
                return;
            }
            GrpcService.ModelInferRequest.InferInputTensor input = request.getInputs(0);
            if (!input.getDatatype().equals("FP32")) {
                out.onError(Status.INVALID_ARGUMENT.withDescription("[request id: " + request.getId()
                        + "] inference input 'input' data-type is '" + input.getDatatype() + "', but model '" + model
                        + "' expects 'FP32'").asRuntimeException());
                return;
            }
            if (input.getShapeCount() != 2 || input.getShape(1) != f) {
                out.onError(Status.INVALID_ARGUMENT.withDescription("[request id: " + request.getId()
                        + "] unexpected shape for input 'input' for model '" + model + "'. Expected [-1," + f
                        + "], got " + input.getShapeList().toString().replace(" ", "")).asRuntimeException());
                return;
            }
            int rows = (int) input.getShape(0);
            float[] values = new float[rows * f];
            ByteBuffer.wrap(request.getRawInputContents(0).toByteArray()).order(ByteOrder.LITTLE_ENDIAN)
                    .asFloatBuffer().get(values);
            double[] p = new double[rows];
            scorer.score(FeatureBatch.wrap(scorer.model().schema(), values, rows), p);
            ByteBuffer labels = ByteBuffer.allocate(rows * 8).order(ByteOrder.LITTLE_ENDIAN);
            ByteBuffer probabilities = ByteBuffer.allocate(rows * 8).order(ByteOrder.LITTLE_ENDIAN);
            for (int r = 0; r < rows; r++) {
                labels.putLong(p[r] >= scorer.model().threshold() ? 1 : 0);
                probabilities.putFloat((float) (1 - p[r])).putFloat((float) p[r]);
            }
            GrpcService.ModelInferResponse.Builder response = GrpcService.ModelInferResponse.newBuilder()
                    .setModelName(model).setModelVersion("1").setId(request.getId());
            boolean all = request.getOutputsCount() == 0;
            for (String name : new String[] {"label", "probabilities"}) {
                if (all || request.getOutputsList().stream().anyMatch(o -> o.getName().equals(name))) {
                    boolean label = name.equals("label");
                    response.addOutputs(GrpcService.ModelInferResponse.InferOutputTensor.newBuilder().setName(name)
                            .setDatatype(label ? "INT64" : "FP32").addShape(rows).addAllShape(label
                                    ? java.util.List.of() : java.util.List.of(2L)));
                    response.addRawOutputContents(ByteString.copyFrom((label ? labels : probabilities).array()));
                }
            }
            reply(out, response.build());
        }

        /**
         * Triton's bidirectional stream: each request is answered as {@code modelInfer} would answer it, a failure
         * as a stream message with {@code error_message} (Triton's way: the code is lost) and the request's id; the
         * stream itself stays open. Answers are sent from one thread at a time, as a StreamObserver requires.
         */
        @Override
        public StreamObserver<GrpcService.ModelInferRequest> modelStreamInfer(
                StreamObserver<GrpcService.ModelStreamInferResponse> out) {
            return new StreamObserver<>() {
                @Override
                public void onNext(GrpcService.ModelInferRequest request) {
                    modelInfer(request, new StreamObserver<>() {
                        @Override
                        public void onNext(GrpcService.ModelInferResponse response) {
                            send(GrpcService.ModelStreamInferResponse.newBuilder().setInferResponse(response).build());
                        }

                        @Override
                        public void onError(Throwable t) {
                            send(GrpcService.ModelStreamInferResponse.newBuilder()
                                    .setErrorMessage(Status.fromThrowable(t).getDescription())
                                    .setInferResponse(GrpcService.ModelInferResponse.newBuilder()
                                            .setId(request.getId()).setModelName(request.getModelName()))
                                    .build());
                        }

                        @Override
                        public void onCompleted() {}
                    });
                }

                private void send(GrpcService.ModelStreamInferResponse response) {
                    synchronized (out) {
                        out.onNext(response);
                    }
                }

                @Override
                public void onError(Throwable t) {}

                @Override
                public void onCompleted() {
                    synchronized (out) {
                        out.onCompleted();
                    }
                }
            };
        }

        @Override
        public void repositoryIndex(GrpcService.RepositoryIndexRequest request,
                StreamObserver<GrpcService.RepositoryIndexResponse> out) {
            GrpcService.RepositoryIndexResponse.Builder b = GrpcService.RepositoryIndexResponse.newBuilder();
            if (loaded.get()) {
                b.addModels(GrpcService.RepositoryIndexResponse.ModelIndex.newBuilder().setName(model).setVersion("1")
                        .setState("READY"));
            } else if (!request.getReady()) {
                b.addModels(GrpcService.RepositoryIndexResponse.ModelIndex.newBuilder().setName(model)
                        .setState("UNAVAILABLE").setReason("unloaded"));
            }
            reply(out, b.build());
        }

        @Override
        public void repositoryModelLoad(GrpcService.RepositoryModelLoadRequest request,
                StreamObserver<GrpcService.RepositoryModelLoadResponse> out) {
            if (!request.getModelName().equals(model)) {
                out.onError(Status.INVALID_ARGUMENT.withDescription("failed to load '" + request.getModelName()
                        + "', failed to poll from model repository").asRuntimeException());
                return;
            }
            loaded.set(true);
            reply(out, GrpcService.RepositoryModelLoadResponse.getDefaultInstance());
        }

        @Override
        public void repositoryModelUnload(GrpcService.RepositoryModelUnloadRequest request,
                StreamObserver<GrpcService.RepositoryModelUnloadResponse> out) {
            loaded.set(false);
            reply(out, GrpcService.RepositoryModelUnloadResponse.getDefaultInstance());
        }
    }

    private static GrpcService.ModelMetadataResponse.TensorMetadata tensor(String name, String type, long... shape) {
        GrpcService.ModelMetadataResponse.TensorMetadata.Builder b = GrpcService.ModelMetadataResponse.TensorMetadata
                .newBuilder().setName(name).setDatatype(type);
        for (long d : shape) {
            b.addShape(d);
        }
        return b.build();
    }

    private static io.grpc.StatusRuntimeException unknown(String name) {
        return Status.NOT_FOUND.withDescription("Request for unknown model: '" + name + "' is not found")
                .asRuntimeException();
    }

    private static <T> void reply(StreamObserver<T> out, T value) {
        out.onNext(value);
        out.onCompleted();
    }
}
