package dev.anomalyops.drift.trigger;

import dev.anomalyops.core.model.ModelManifest;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * A request to retrain a model.
 *
 * @param model the model name (a valid bundle name, so it is safe in paths and process arguments)
 * @param version the version that drifted or under-performed; empty when not known
 * @param reason why (the rule or alert and its summary)
 * @param labels context from the alert or rule
 * @param requestedAt when the trigger fired
 * @param dedupeKey identifies the trigger across re-deliveries
 */
public record RetrainRequest(String model, String version, String reason, Map<String, String> labels,
        Instant requestedAt, String dedupeKey) {
    /** Validates the model name and copies the labels. */
    public RetrainRequest {
        ModelManifest.requireName(model);
        Objects.requireNonNull(version, "version");
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(requestedAt, "requestedAt");
        Objects.requireNonNull(dedupeKey, "dedupeKey");
        labels = java.util.Collections.unmodifiableSortedMap(new TreeMap<>(labels));
    }

    /**
     * @param decision a {@link TriggerAction#RETRAIN} decision
     * @return the request it asks for
     */
    public static RetrainRequest from(TriggerDecision decision) {
        return new RetrainRequest(decision.model(), decision.version(), decision.rule() + ": " + decision.reason(),
                decision.labels(), decision.firedAt(), decision.dedupeKey());
    }
}
