package dev.anomalyops.triton.server;

import java.util.List;

/** Where a {@link ScoringInferenceService} loads models from (the reference app reads a model registry). */
public interface ModelSource {
    /** @return the names of every model that can be loaded */
    List<String> models();

    /**
     * @param model a model name
     * @return the versions to serve, the default version first
     * @throws dev.anomalyops.core.NotFoundException when the model is unknown
     */
    List<ServedModel> load(String model);
}
