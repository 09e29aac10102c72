package dev.anomalyops.triton;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.anomalyops.core.NonRetriableException;
import dev.anomalyops.core.NotFoundException;
import dev.anomalyops.core.scoring.FeatureBatch;
import dev.anomalyops.core.scoring.Scorer;
import dev.anomalyops.triton.client.InferStream;
import dev.anomalyops.triton.client.TritonClient;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * The client's whole behaviour against one server: every test here runs against the fake Triton (gRPC) in this
 * module and, in reference-app, against the reference server over HTTP (JSON and binary) and gRPC. The server must
 * serve {@link #model()} with the AnomalyOps contract (input {@code input} FP32 {@code [-1, F]}; outputs
 * {@code label}, {@code probabilities}) and be able to unload and load it again.
 */
public abstract class V2ClientContract {
    /** @return a client connected to the server under test */
    protected abstract TritonClient client();

    /** @return the served model's name */
    protected abstract String model();

    /** @return a local scorer of the same model, for expected values */
    protected abstract Scorer expected();

    /** @return whether the client's transport streams ({@code ModelStreamInfer}: gRPC) */
    protected abstract boolean streaming();

    private float[] rows(int n, long seed) {
        int f = expected().model().schema().size();
        float[] values = new float[n * f];
        Random random = new Random(seed);
        for (int i = 0; i < values.length; i++) {
            values[i] = random.nextInt(15) == 0 ? Float.NaN : (float) (random.nextGaussian() * 3);
        }
        return values;
    }

    private int features() {
        return expected().model().schema().size();
    }

    @Test
    void healthAndServerMetadata() {
        assertThat(client().serverLive()).isTrue();
        assertThat(client().serverReady()).isTrue();
        ServerMetadata metadata = client().serverMetadata();
        assertThat(metadata.name()).isNotBlank();
        assertThat(metadata.extensions()).contains("model_repository");
    }

    @Test
    void modelMetadataDescribesTheContract() {
        ModelMetadata metadata = client().modelMetadata(model(), "");
        assertThat(metadata.name()).isEqualTo(model());
        assertThat(metadata.inputs()).containsExactly(new TensorMetadata("input", Datatype.FP32,
                List.of(-1L, (long) features())));
        assertThat(metadata.output("probabilities")).hasValueSatisfying(t -> assertThat(t.datatype())
                .isEqualTo(Datatype.FP32));
        assertThat(metadata.output("label")).hasValueSatisfying(t -> assertThat(t.datatype())
                .isEqualTo(Datatype.INT64));
        assertThat(client().modelReady(model(), "")).isTrue();
    }

    @Test
    void singleRowsAndBatchesMatchTheLocalScorer() {
        for (int n : new int[] {1, 64}) {
            float[] values = rows(n, n);
            InferResponse response = client().infer(InferRequest.builder(model()).id("req-" + n)
                    .input(Tensor.fp32("input", new long[] {n, features()}, values)).build());
            assertThat(response.id()).isEqualTo("req-" + n);
            assertThat(response.model()).isEqualTo(model());
            double[] local = new double[n];
            expected().score(FeatureBatch.wrap(expected().model().schema(), values, n), local);
            float[] probabilities = response.output("probabilities").floats();
            long[] labels = response.output("label").longs();
            assertThat(probabilities).hasSize(2 * n);
            assertThat(labels).hasSize(n);
            for (int r = 0; r < n; r++) {
                assertThat((double) probabilities[2 * r + 1]).isCloseTo(local[r], org.assertj.core.data.Offset.offset(1e-6));
                assertThat(labels[r]).isEqualTo(local[r] >= expected().model().threshold() ? 1L : 0L);
            }
        }
    }

    @Test
    void asynchronousCallsAndChosenOutputs() {
        List<CompletableFuture<InferResponse>> pending = new java.util.ArrayList<>();
        for (int i = 0; i < 20; i++) {
            pending.add(client().inferAsync(InferRequest.builder(model()).output("probabilities")
                    .input(Tensor.fp32("input", new long[] {1, features()}, rows(1, i))).build()));
        }
        for (CompletableFuture<InferResponse> future : pending) {
            InferResponse response = TritonClient.await(future);
            assertThat(response.outputs()).extracting(Tensor::name).containsExactly("probabilities");
            assertThat(response.id()).as("generated request id").isNotEmpty();
        }
    }

    @Test
    void unknownModelsAreNotFoundWithTheServersMessage() {
        assertThatThrownBy(() -> client().infer(InferRequest.builder("no-such-model")
                .input(Tensor.fp32("input", new long[] {1, features()}, rows(1, 1))).build()))
                .isInstanceOf(NotFoundException.class).hasMessageContaining("no-such-model");
        assertThatThrownBy(() -> client().modelMetadata("no-such-model", ""))
                .isInstanceOf(NotFoundException.class);
    }

    @Test
    void badRequestsAreInvalidWithTheServersMessage() {
        assertThatThrownBy(() -> client().infer(InferRequest.builder(model())
                .input(Tensor.fp32("input", new long[] {1, features() - 1}, new float[features() - 1])).build()))
                .isInstanceOf(InvalidRequestException.class).hasMessageContaining("shape");
        assertThatThrownBy(() -> client().infer(InferRequest.builder(model())
                .input(Tensor.int64("input", new long[] {1, features()}, new long[features()])).build()))
                .isInstanceOf(InvalidRequestException.class).hasMessageContaining("INT64");
        assertThatThrownBy(() -> client().infer(InferRequest.builder(model())
                .input(Tensor.fp32("features", new long[] {1, features()}, rows(1, 2))).build()))
                .isInstanceOf(InvalidRequestException.class).hasMessageContaining("features");
        // The server keeps serving after bad requests.
        assertThat(client().infer(InferRequest.builder(model())
                .input(Tensor.fp32("input", new long[] {1, features()}, rows(1, 3))).build()).outputs()).hasSize(2);
    }

    @Test
    void streamsMatchEachAnswerToItsRequest() throws Exception {
        if (!streaming()) {
            assertThatThrownBy(() -> client().openStream()).isInstanceOf(UnsupportedOperationException.class)
                    .hasMessageContaining("gRPC");
            return;
        }
        int requests = 120;
        List<float[]> inputs = new java.util.ArrayList<>();
        List<CompletableFuture<InferResponse>> answers = new java.util.ArrayList<>();
        java.util.concurrent.ExecutorService senders = java.util.concurrent.Executors.newFixedThreadPool(4);
        try (InferStream stream = client().openStream()) {
            List<java.util.concurrent.Future<CompletableFuture<InferResponse>>> sent = new java.util.ArrayList<>();
            for (int i = 0; i < requests; i++) {
                // Mixed sizes, so that answers to small requests overtake big ones.
                int n = i % 5 == 0 ? 64 : 1;
                float[] values = rows(n, 1000 + i);
                inputs.add(values);
                InferRequest.Builder request = InferRequest.builder(model())
                        .input(Tensor.fp32("input", new long[] {n, features()}, values));
                if (i % 2 == 0) {
                    request.id("stream-" + i);
                }
                InferRequest built = request.build();
                sent.add(senders.submit(() -> stream.infer(built)));
            }
            for (java.util.concurrent.Future<CompletableFuture<InferResponse>> f : sent) {
                answers.add(f.get());
            }
            for (int i = 0; i < requests; i++) {
                InferResponse response = TritonClient.await(answers.get(i));
                float[] values = inputs.get(i);
                int n = values.length / features();
                double[] local = new double[n];
                expected().score(FeatureBatch.wrap(expected().model().schema(), values, n), local);
                float[] probabilities = response.output("probabilities").floats();
                assertThat(probabilities).as("answer %d", i).hasSize(2 * n);
                for (int r = 0; r < n; r++) {
                    assertThat((double) probabilities[2 * r + 1]).as("answer %d row %d", i, r)
                            .isCloseTo(local[r], org.assertj.core.data.Offset.offset(1e-6));
                }
                if (i % 2 == 0) {
                    assertThat(response.id()).isEqualTo("stream-" + i);
                } else {
                    assertThat(response.id()).as("generated id").isNotEmpty();
                }
            }
            // A bad request fails alone; the stream goes on serving.
            CompletableFuture<InferResponse> bad = stream.infer(InferRequest.builder(model())
                    .input(Tensor.fp32("input", new long[] {1, features() - 1}, new float[features() - 1])).build());
            assertThatThrownBy(() -> TritonClient.await(bad)).isInstanceOf(NonRetriableException.class)
                    .hasMessageContaining("shape");
            CompletableFuture<InferResponse> unknown = stream.infer(InferRequest.builder("no-such-model")
                    .input(Tensor.fp32("input", new long[] {1, features()}, rows(1, 1))).build());
            assertThatThrownBy(() -> TritonClient.await(unknown)).isInstanceOf(NonRetriableException.class)
                    .hasMessageContaining("no-such-model");
            assertThat(TritonClient.await(stream.infer(InferRequest.builder(model())
                    .input(Tensor.fp32("input", new long[] {1, features()}, rows(1, 3))).build())).outputs())
                    .hasSize(2);
            // Closing ends the stream for sending; closing again (here, then by try-with-resources) is harmless.
            stream.close();
            assertThatThrownBy(() -> TritonClient.await(stream.infer(InferRequest.builder(model())
                    .input(Tensor.fp32("input", new long[] {1, features()}, rows(1, 4))).build())))
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
        } finally {
            senders.shutdownNow();
        }
    }

    @Test
    void repositoryIndexUnloadAndLoad() {
        assertThat(client().repositoryIndex(false)).extracting(RepositoryModel::name).contains(model());
        client().unloadModel(model());
        try {
            assertThat(client().modelReady(model(), "")).isFalse();
            assertThat(client().repositoryIndex(true)).extracting(RepositoryModel::name).doesNotContain(model());
        } finally {
            client().loadModel(model());
        }
        assertThat(client().modelReady(model(), "")).isTrue();
        assertThat(client().repositoryIndex(true)).extracting(RepositoryModel::name).contains(model());
    }
}
