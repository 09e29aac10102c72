package dev.anomalyops.core;

import java.util.Objects;

/**
 * The answer for one row.
 *
 * @param label 1 for anomaly, 0 for normal, decided against the model's threshold
 * @param anomalyProbability the probability of the anomaly class, in [0, 1]
 * @param modelName the model that answered
 * @param modelVersion the version of that model
 */
public record Prediction(int label, double anomalyProbability, String modelName, String modelVersion) {

    /** Checks the label and the probability range. */
    public Prediction {
        Objects.requireNonNull(modelName, "modelName");
        Objects.requireNonNull(modelVersion, "modelVersion");
        if (label != 0 && label != 1) {
            throw new IllegalArgumentException("label must be 0 or 1 but was " + label);
        }
        if (!(anomalyProbability >= 0.0 && anomalyProbability <= 1.0)) {
            throw new IllegalArgumentException("anomalyProbability must be in [0, 1] but was " + anomalyProbability);
        }
    }

    /** @return the probability of the normal class, {@code 1 - anomalyProbability} */
    public double normalProbability() {
        return 1.0 - anomalyProbability;
    }

    /** @return a new array {@code [normal, anomaly]}, the order the v2 protocol's {@code probabilities} output uses */
    public double[] probabilities() {
        return new double[] {normalProbability(), anomalyProbability};
    }

    /** @return true when the label is 1 */
    public boolean isAnomaly() {
        return label == 1;
    }
}
