package dev.anomalyops.rag;

import java.util.Objects;

/**
 * How much one feature pushed a model's anomaly score, as reported by the model (for tree ensembles, the
 * feature's path contribution to the margin, SHAP-like; or its gain).
 *
 * @param feature the feature name
 * @param value the feature's value in the scored row
 * @param contribution its contribution to the score; positive pushes toward "anomaly"
 */
public record FeatureContribution(String feature, double value, double contribution) {

    /** Checks the name and that both numbers are finite. */
    public FeatureContribution {
        Objects.requireNonNull(feature, "feature");
        if (feature.isBlank()) {
            throw new IllegalArgumentException("feature name must not be blank");
        }
        if (!Double.isFinite(value) || !Double.isFinite(contribution)) {
            throw new IllegalArgumentException("Feature \"" + feature + "\" must have a finite value and contribution but had value "
                    + value + " and contribution " + contribution);
        }
    }
}
