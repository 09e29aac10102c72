package dev.anomalyops.app.pipeline;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.anomalyops.drift.DriftCalculator;
import dev.anomalyops.drift.DriftReport;
import dev.anomalyops.drift.FeatureDrift;
import dev.anomalyops.drift.ReferenceProfile;
import dev.anomalyops.features.metrics.MetricFrame;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The drift step: compares feature rows (and their scores) with the reference profile stored in the model's
 * bundle, feature by feature (PSI, KL, Jensen-Shannon, missing values, outliers), and names the features whose
 * PSI reaches {@code drift.alert-psi}.
 */
public final class Drift {
    private Drift() {}

    /**
     * @param name what was compared (e.g. {@code held-out test split})
     * @param report the statistics
     * @param alertPsi the PSI at or above which a feature counts as drifted
     */
    public record Comparison(String name, DriftReport report, double alertPsi) {
        /** @return the drifted features, highest PSI first */
        public List<FeatureDrift> drifted() {
            return report.features().stream().filter(f -> f.psi() >= alertPsi)
                    .sorted(Comparator.comparingDouble(FeatureDrift::psi).reversed()).toList();
        }

        /**
         * @param count how many
         * @return the features with the highest PSI
         */
        public List<FeatureDrift> top(int count) {
            return report.features().stream().sorted(Comparator.comparingDouble(FeatureDrift::psi).reversed())
                    .limit(count).toList();
        }

        /** @return a JSON summary */
        public ObjectNode toJson() {
            ObjectNode node = JsonNodeFactory.instance.objectNode();
            node.put("name", name);
            node.put("rows", report.rows());
            node.put("maxFeaturePsi", report.maxFeaturePsi());
            node.put("anomalyRate", report.anomalyRate());
            report.prediction().ifPresent(p -> node.put("predictionPsi", p.psi()));
            node.put("alertPsi", alertPsi);
            node.put("driftedFeatures", drifted().size());
            ArrayNode features = node.putArray("features");
            for (FeatureDrift f : report.features()) {
                features.addObject().put("feature", f.name()).put("psi", f.psi()).put("kl", f.klDivergence())
                        .put("js", f.jensenShannon()).put("missingRate", f.missingRate())
                        .put("outlierPercentage", f.outlierPercentage());
            }
            return node;
        }
    }

    /**
     * @param profile the reference (from the model's bundle)
     * @param threshold the model's threshold (for the anomaly rate)
     * @param name what is compared
     * @param rows the rows
     * @param scores their scores, or null
     * @param alertPsi drift threshold
     * @return the comparison
     */
    public static Comparison compare(ReferenceProfile profile, double threshold, String name, FeatureTable rows,
            double[] scores, double alertPsi) {
        DriftReport report = DriftCalculator.builder(profile).anomalyThreshold(threshold).build()
                .compare(rows.batch(), scores);
        return new Comparison(name, report, alertPsi);
    }

    /**
     * A copy of metric samples with a constant added to the first metrics: the demo's stand-in for a change in
     * the monitored systems (a new release that uses more CPU, a unit change).
     *
     * @param frame samples
     * @param metrics how many metrics (from the first) to move
     * @param shift what to add
     * @return the shifted copy
     */
    public static MetricFrame shift(MetricFrame frame, int metrics, double shift) {
        int width = frame.metrics().size();
        MetricFrame out = new MetricFrame(frame.metrics(), Math.max(1, frame.rows()));
        double[] row = new double[width];
        for (int r = 0; r < frame.rows(); r++) {
            for (int m = 0; m < width; m++) {
                row[m] = frame.value(r, m) + (m < metrics ? shift : 0);
            }
            out.add(frame.instance(r), frame.timestamp(r), row);
        }
        return out;
    }

    /** @return the names of the comparisons' drifted features */
    static List<String> names(List<FeatureDrift> features) {
        List<String> names = new ArrayList<>();
        features.forEach(f -> names.add(f.name()));
        return names;
    }
}
