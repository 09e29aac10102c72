package dev.anomalyops.core;

import java.util.Objects;

/**
 * How much one feature pushed one prediction, in the model's margin space (log-odds for logistic models):
 * positive values push towards "anomaly". Explanations show the largest ones.
 *
 * @param feature the feature name
 * @param value the feature's value in the row (NaN when missing)
 * @param contribution its additive share of the margin
 */
public record FeatureContribution(String feature, float value, double contribution) {

    /** Checks the name. */
    public FeatureContribution {
        Objects.requireNonNull(feature, "feature");
    }
}
