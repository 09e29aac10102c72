package dev.anomalyops.drift.trigger;

import java.time.Duration;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;
import java.util.function.DoubleSupplier;

/**
 * A condition on a signal that must hold for a duration before it fires, with Prometheus' semantics: the condition
 * is checked at every evaluation; it is pending from the first evaluation where it holds and fires once it has held
 * at every evaluation for {@code holdFor}; a NaN signal (no data) does not hold.
 *
 * @param name the rule's name, the same as the Prometheus alert's (e.g. {@code ModelDataDrift})
 * @param signal reads the current value (e.g. the largest feature PSI of a {@code DriftMonitor})
 * @param comparison how the value is compared with the threshold
 * @param threshold the threshold
 * @param holdFor how long the condition must hold (Prometheus {@code for})
 * @param actions what to do when it fires
 * @param severity {@code page}, {@code ticket} or {@code info}, as in the Prometheus rule's labels
 */
public record TriggerRule(String name, DoubleSupplier signal, Comparison comparison, double threshold, Duration holdFor,
        Set<TriggerAction> actions, String severity) {
    /** How a signal is compared with the threshold. */
    public enum Comparison {
        /** Holds when the value is strictly above the threshold. */
        ABOVE,
        /** Holds when the value is strictly below the threshold. */
        BELOW
    }

    /** Checks and copies the parts. */
    public TriggerRule {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(signal, "signal");
        Objects.requireNonNull(comparison, "comparison");
        Objects.requireNonNull(holdFor, "holdFor");
        Objects.requireNonNull(severity, "severity");
        if (holdFor.isNegative()) {
            throw new IllegalArgumentException("holdFor of rule \"" + name + "\" must not be negative but was " + holdFor);
        }
        if (!Double.isFinite(threshold)) {
            throw new IllegalArgumentException("threshold of rule \"" + name + "\" must be finite but was " + threshold);
        }
        if (actions.isEmpty()) {
            throw new IllegalArgumentException("Rule \"" + name + "\" needs at least one action");
        }
        actions = Set.copyOf(EnumSet.copyOf(actions));
    }

    /**
     * @param value a signal value
     * @return whether the condition holds for it (never for NaN)
     */
    public boolean holds(double value) {
        return comparison == Comparison.ABOVE ? value > threshold : value < threshold;
    }
}
