package dev.anomalyops.train.eval;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Everything one usually reports for anomaly scores on a labelled period: the ranking quality, the
 * point-wise confusion at the threshold and the point-adjusted one.
 *
 * @param rows rows evaluated
 * @param anomalies labelled anomalies among them
 * @param rocAuc ROC-AUC of the scores (NaN with a single class)
 * @param averagePrecision average precision of the scores (NaN without anomalies)
 * @param pointwise confusion of {@code score >= threshold} against the labels
 * @param pointAdjusted the same after {@link PointAdjustment#adjust}
 * @param segments labelled anomaly segments
 * @param detectedSegments segments with at least one flagged row
 */
public record Evaluation(int rows, int anomalies, double rocAuc, double averagePrecision, Confusion pointwise,
        Confusion pointAdjusted, int segments, int detectedSegments) {

    /** Checks nulls. */
    public Evaluation {
        Objects.requireNonNull(pointwise, "pointwise");
        Objects.requireNonNull(pointAdjusted, "pointAdjusted");
    }

    /**
     * @param scores scores in time order, higher = more anomalous
     * @param threshold rows at or above it are flagged
     * @param labels labels in the same order, 0 or 1
     * @return the evaluation
     */
    public static Evaluation of(double[] scores, double threshold, int[] labels) {
        return of(scores, Confusion.flag(scores, threshold), labels);
    }

    /**
     * @param scores scores in time order, higher = more anomalous
     * @param flagged the detector's decisions in the same order
     * @param labels labels in the same order, 0 or 1
     * @return the evaluation
     */
    public static Evaluation of(double[] scores, boolean[] flagged, int[] labels) {
        RankingMetrics.check(scores, labels);
        int anomalies = 0;
        for (int label : labels) {
            anomalies += label;
        }
        return new Evaluation(labels.length, anomalies, RankingMetrics.rocAuc(scores, labels),
                RankingMetrics.averagePrecision(scores, labels), Confusion.of(flagged, labels),
                Confusion.of(PointAdjustment.adjust(flagged, labels), labels),
                PointAdjustment.segments(labels).size(), PointAdjustment.detectedSegments(flagged, labels));
    }

    /**
     * @param prefix key prefix, e.g. {@code detector_}
     * @return the figures as flat snake_case keys ({@code roc_auc}, {@code pr_auc}, {@code f1}, {@code precision},
     *     {@code recall}, {@code f1_point_adjusted}, …), for JSON reports
     */
    public Map<String, Number> figures(String prefix) {
        Map<String, Number> map = new LinkedHashMap<>();
        map.put(prefix + "roc_auc", rocAuc);
        map.put(prefix + "pr_auc", averagePrecision);
        map.put(prefix + "f1", pointwise.f1());
        map.put(prefix + "precision", pointwise.precision());
        map.put(prefix + "recall", pointwise.recall());
        map.put(prefix + "f1_point_adjusted", pointAdjusted.f1());
        map.put(prefix + "precision_point_adjusted", pointAdjusted.precision());
        map.put(prefix + "recall_point_adjusted", pointAdjusted.recall());
        map.put(prefix + "flagged", pointwise.flagged());
        map.put(prefix + "segments_detected", detectedSegments);
        return map;
    }
}
