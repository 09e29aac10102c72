package dev.anomalyops.drift;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Drift of one window of production data against the reference profile: per feature and for the predictions.
 *
 * @param windowStart start of the window (inclusive)
 * @param windowEnd end of the window (exclusive)
 * @param rows rows in the window
 * @param predictions rows in the window with a (non-NaN) predicted probability
 * @param anomalies predictions at or above the anomaly threshold in the window
 * @param features per-feature drift, in schema order
 * @param prediction drift of the predicted probabilities, when the profile has a prediction reference
 */
public record DriftReport(Instant windowStart, Instant windowEnd, long rows, long predictions, long anomalies,
        List<FeatureDrift> features,
        Optional<FeatureDrift> prediction) {
    /** Copies the list and checks the counts. */
    public DriftReport {
        Objects.requireNonNull(windowStart, "windowStart");
        Objects.requireNonNull(windowEnd, "windowEnd");
        features = List.copyOf(features);
        Objects.requireNonNull(prediction, "prediction");
        if (rows < 0 || predictions < 0 || anomalies < 0 || anomalies > predictions) {
            throw new IllegalArgumentException("Expected 0 <= anomalies <= predictions and rows >= 0 but rows, predictions and"
                    + " anomalies were " + rows + ", " + predictions + " and " + anomalies);
        }
    }

    /** @return anomalies over rows with a prediction; NaN when no row had one */
    public double anomalyRate() {
        return predictions == 0 ? Double.NaN : (double) anomalies / predictions;
    }

    /** @return the largest feature PSI in the window (predictions excluded); NaN when none is known */
    public double maxFeaturePsi() {
        double max = Double.NaN;
        for (FeatureDrift feature : features) {
            if (!Double.isNaN(feature.psi()) && !(feature.psi() <= max)) {
                max = feature.psi();
            }
        }
        return max;
    }

    /**
     * @param name a feature name
     * @return its drift, or null when there is no such feature
     */
    public @Nullable FeatureDrift feature(String name) {
        for (FeatureDrift feature : features) {
            if (feature.name().equals(name)) {
                return feature;
            }
        }
        return null;
    }
}
