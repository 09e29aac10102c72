package dev.anomalyops.triton.server;

import dev.anomalyops.triton.InferRequest;
import dev.anomalyops.triton.InferResponse;
import dev.anomalyops.triton.ModelMetadata;
import dev.anomalyops.triton.RepositoryModel;
import dev.anomalyops.triton.ServerMetadata;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * What an Open Inference Protocol server does, independent of transport. Failures are thrown (or complete the
 * future) as our exceptions; {@link ErrorStatus#of(Throwable)} maps them to HTTP and gRPC statuses.
 */
public interface InferenceService {
    /** @return whether the server is live */
    boolean live();

    /** @return whether the server is ready to serve */
    boolean ready();

    /**
     * @param model model name
     * @param version version or empty
     * @return whether it is ready
     * @throws dev.anomalyops.core.NotFoundException when the model is unknown
     */
    boolean modelReady(String model, String version);

    /** @return server metadata */
    ServerMetadata serverMetadata();

    /**
     * @param model model name
     * @param version version or empty
     * @return its metadata
     */
    ModelMetadata modelMetadata(String model, String version);

    /**
     * @param request a request whose model and version are set
     * @return the response
     */
    CompletableFuture<InferResponse> infer(InferRequest request);

    /**
     * @param readyOnly only ready models
     * @return the repository index
     */
    List<RepositoryModel> repositoryIndex(boolean readyOnly);

    /** @param model model to load or reload */
    void load(String model);

    /** @param model model to unload */
    void unload(String model);
}
