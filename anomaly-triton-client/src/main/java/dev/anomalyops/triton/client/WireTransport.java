package dev.anomalyops.triton.client;

import dev.anomalyops.triton.InferRequest;
import dev.anomalyops.triton.InferResponse;
import dev.anomalyops.triton.ModelMetadata;
import dev.anomalyops.triton.RepositoryModel;
import dev.anomalyops.triton.ServerMetadata;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/** One attempt of each protocol call over one wire format; {@link DefaultTritonClient} adds deadlines and retries. */
interface WireTransport extends AutoCloseable {
    CompletableFuture<Boolean> live(Duration timeout);

    CompletableFuture<Boolean> ready(Duration timeout);

    CompletableFuture<Boolean> modelReady(String model, String version, Duration timeout);

    CompletableFuture<ServerMetadata> serverMetadata(Duration timeout);

    CompletableFuture<ModelMetadata> modelMetadata(String model, String version, Duration timeout);

    CompletableFuture<InferResponse> infer(InferRequest request, Duration timeout);

    CompletableFuture<List<RepositoryModel>> index(boolean readyOnly, Duration timeout);

    CompletableFuture<Void> load(String model, Duration timeout);

    CompletableFuture<Void> unload(String model, Duration timeout);

    /**
     * @param deadline longest wait for each answer
     * @return a stream of inference requests (gRPC only)
     */
    default InferStream openStream(Duration deadline) {
        throw new UnsupportedOperationException("Streaming inference needs the gRPC transport (grpc://): HTTP has no"
                + " request stream in the Open Inference Protocol");
    }

    @Override
    void close();
}
