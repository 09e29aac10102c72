package dev.anomalyops.rollout;

import dev.anomalyops.core.registry.ModelRegistry;
import dev.anomalyops.core.registry.ModelVersion;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** What happens when a canary ends: the side effects a {@link CanaryController} triggers. */
public interface RolloutActions {

    /**
     * The canary failed a gate: undo the rollout.
     *
     * @param status the rollout's final status (phase {@code ROLLED_BACK}, with the reason)
     */
    void rollBack(CanaryStatus status);

    /**
     * The canary passed every stage.
     *
     * @param status the rollout's final status (phase {@code PROMOTED})
     */
    void promoted(CanaryStatus status);

    /**
     * @param registry the registry whose alias moved to the canary version when the rollout started
     * @return actions that move the alias back on rollback (one registry call) and leave it on promotion
     */
    static RolloutActions registry(ModelRegistry registry) {
        Logger log = LoggerFactory.getLogger(RolloutActions.class);
        return new RolloutActions() {
            @Override
            public void rollBack(CanaryStatus status) {
                Optional<ModelVersion> current = registry.resolve(status.model(), status.alias());
                if (current.isPresent() && current.get().version() == status.canaryVersion()) {
                    registry.rollback(status.model(), status.alias());
                } else {
                    // Someone moved the alias meanwhile; putting the baseline back is still the safe state.
                    registry.setAlias(status.model(), status.alias(), status.baselineVersion());
                }
                log.warn("Canary {}@{} version {} rolled back to version {}: {}", status.model(), status.alias(),
                        status.canaryVersion(), status.baselineVersion(), status.reason());
            }

            @Override
            public void promoted(CanaryStatus status) {
                log.info("Canary {}@{} version {} promoted to 100% of traffic", status.model(), status.alias(),
                        status.canaryVersion());
            }
        };
    }
}
