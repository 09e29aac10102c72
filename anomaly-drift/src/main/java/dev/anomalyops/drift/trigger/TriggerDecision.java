package dev.anomalyops.drift.trigger;

import dev.anomalyops.core.model.ModelManifest;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * One action to take for one model, decided by an in-process rule, a schedule or an Alertmanager notification.
 *
 * @param rule the rule or alert that fired (e.g. {@code ModelDataDrift})
 * @param action what to do
 * @param model the model name (a valid bundle name)
 * @param version the model version the condition was seen on; empty when not known
 * @param reason a human-readable reason (an alert's summary)
 * @param labels the alert's labels or the rule's context (sorted copy)
 * @param firedAt when the condition started firing
 * @param dedupeKey identifies this decision across re-deliveries: equal keys mean the same decision
 */
public record TriggerDecision(String rule, TriggerAction action, String model, String version, String reason,
        Map<String, String> labels, Instant firedAt, String dedupeKey) {
    /** Validates the model name and copies the labels. */
    public TriggerDecision {
        Objects.requireNonNull(rule, "rule");
        Objects.requireNonNull(action, "action");
        Objects.requireNonNull(version, "version");
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(firedAt, "firedAt");
        Objects.requireNonNull(dedupeKey, "dedupeKey");
        ModelManifest.requireName(model);
        labels = java.util.Collections.unmodifiableSortedMap(new TreeMap<>(labels));
    }
}
