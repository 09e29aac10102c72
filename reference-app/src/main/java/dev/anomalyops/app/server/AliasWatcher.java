package dev.anomalyops.app.server;

import dev.anomalyops.core.registry.ModelRegistry;
import dev.anomalyops.core.registry.ModelVersion;
import dev.anomalyops.triton.server.ScoringInferenceService;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Picks up promotions: re-reads each served model's alias from the registry and, when it points at another version,
 * loads that version and swaps it in ({@link ScoringInferenceService#serve} replaces the model's versions in one
 * step; requests already holding the old scorer finish on it, so no request fails and each is answered by exactly one
 * version). Models with a running canary or A/B test are left to the rollout, which moves the alias itself. A
 * failed load is logged and retried on the next poll while the old version keeps serving.
 */
final class AliasWatcher implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(AliasWatcher.class);

    private final ModelRegistry registry;
    private final String alias;
    private final List<String> models;
    private final Rollouts rollouts;
    private final ScoringInferenceService service;
    private final Map<String, Integer> served = new HashMap<>();

    AliasWatcher(ModelRegistry registry, String alias, List<String> models, Rollouts rollouts,
            ScoringInferenceService service) {
        this.registry = registry;
        this.alias = alias;
        this.models = List.copyOf(models);
        this.rollouts = rollouts;
        this.service = service;
        for (String model : this.models) {
            target(model).ifPresent(v -> served.put(model, v));
        }
    }

    private Optional<Integer> target(String model) {
        Optional<ModelVersion> aliased = registry.resolve(model, alias);
        if (aliased.isPresent()) {
            return Optional.of(aliased.get().version());
        }
        List<ModelVersion> versions = registry.versions(model);
        return versions.isEmpty() ? Optional.empty() : Optional.of(versions.get(versions.size() - 1).version());
    }

    @Override
    public void run() {
        for (String model : models) {
            try {
                Optional<Integer> target = target(model);
                if (target.isEmpty() || target.get().equals(served.get(model))) {
                    continue;
                }
                if (rollouts.active(model) != null) {
                    served.put(model, target.get());
                    continue;
                }
                LOG.info("Alias \"{}\" of model \"{}\" moved from version {} to {}; loading it", alias, model,
                        served.get(model), target.get());
                service.load(model);
                served.put(model, target.get());
            } catch (RuntimeException e) {
                LOG.warn("Could not reload model \"{}\" after its alias \"{}\" moved; the previous version keeps"
                        + " serving and the next poll retries: {}", model, alias, e.toString());
            }
        }
    }
}
