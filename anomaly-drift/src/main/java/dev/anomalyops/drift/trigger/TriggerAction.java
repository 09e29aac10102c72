package dev.anomalyops.drift.trigger;

import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

/**
 * What a trigger asks for. Prometheus rules carry these in the {@code action} label, comma-separated when an alert
 * asks for several (e.g. {@code rollback,retrain}); Alertmanager routes on it.
 */
public enum TriggerAction {
    /** Train a new model version on recent data. */
    RETRAIN,
    /** Move the serving alias back to the previous version. */
    ROLLBACK,
    /** Add serving capacity. */
    SCALE_UP,
    /** Page the on-call engineer. */
    PAGE,
    /** Stop shifting traffic to the canary and hold it where it is. */
    PAUSE_CANARY;

    /** @return the label value, e.g. {@code pause_canary} */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * @param label a label value such as {@code retrain}
     * @return the action
     * @throws IllegalArgumentException when the value names no action
     */
    public static TriggerAction fromLabel(String label) {
        for (TriggerAction action : values()) {
            if (action.label().equals(label.trim())) {
                return action;
            }
        }
        throw new IllegalArgumentException("Unknown trigger action \"" + label + "\"; expected one of "
                + java.util.Arrays.stream(values()).map(TriggerAction::label).toList());
    }

    /**
     * @param labels comma-separated label values, e.g. {@code rollback,retrain}
     * @return the actions
     * @throws IllegalArgumentException when a value names no action or the list is empty
     */
    public static Set<TriggerAction> parseList(String labels) {
        Set<TriggerAction> actions = EnumSet.noneOf(TriggerAction.class);
        for (String part : labels.split(",")) {
            if (!part.isBlank()) {
                actions.add(fromLabel(part));
            }
        }
        if (actions.isEmpty()) {
            throw new IllegalArgumentException("The action label \"" + labels + "\" names no action");
        }
        return actions;
    }
}
