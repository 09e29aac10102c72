package dev.anomalyops.train.supervised;

import dev.anomalyops.train.eval.Confusion;
import java.util.Arrays;
import java.util.Comparator;

/**
 * How the decision threshold of a classifier is chosen on labelled scores: the threshold with the best F1
 * ({@link #bestF1()}), or the lowest threshold whose precision reaches a requirement, i.e. the most recall at that
 * precision ({@link #minPrecision(double)}; falls back to best F1 when no threshold reaches it, and says so).
 *
 * @param minPrecision the required precision, or NaN for best F1
 */
public record ThresholdRule(double minPrecision) {
    /** Validates the precision. */
    public ThresholdRule {
        if (!Double.isNaN(minPrecision) && !(minPrecision > 0 && minPrecision <= 1)) {
            throw new IllegalArgumentException("minPrecision must be in (0, 1] but was " + minPrecision);
        }
    }

    /** @return the rule choosing the threshold with the best F1 */
    public static ThresholdRule bestF1() {
        return new ThresholdRule(Double.NaN);
    }

    /**
     * @param precision required precision in (0, 1]
     * @return the rule choosing the most recall at that precision
     */
    public static ThresholdRule minPrecision(double precision) {
        return new ThresholdRule(precision);
    }

    /**
     * @param text {@code f1} or {@code precision>=0.9} / a bare number (the required precision)
     * @return the rule
     */
    public static ThresholdRule parse(String text) {
        String t = text.strip();
        if (t.equalsIgnoreCase("f1") || t.equalsIgnoreCase("best-f1")) {
            return bestF1();
        }
        String number = t.replaceFirst("(?i)^precision\\s*>=?\\s*", "");
        try {
            return minPrecision(Double.parseDouble(number));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("threshold rule \"" + text + "\" must be f1 or precision>=P");
        }
    }

    /**
     * A chosen threshold and the figures it gives on the rows it was chosen on.
     *
     * @param threshold rows scoring at or above it are flagged
     * @param confusion the confusion at that threshold
     * @param rule how it was chosen ({@code best-f1}, {@code precision>=0.9}, or the fallback
     *     {@code best-f1 (precision>=0.9 unreachable)})
     */
    public record Choice(double threshold, Confusion confusion, String rule) {}

    /**
     * @param scores scores, higher = more anomalous
     * @param labels labels, 0 or 1
     * @return the chosen threshold; 0.5 when there are no positive labels
     */
    public Choice choose(double[] scores, int[] labels) {
        if (scores.length != labels.length) {
            throw new IllegalArgumentException("There are " + scores.length + " scores but " + labels.length + " labels");
        }
        int n = scores.length;
        int positives = 0;
        for (int label : labels) {
            positives += label;
        }
        if (positives == 0 || n == 0) {
            return new Choice(0.5, Confusion.at(scores, 0.5, labels), "default 0.5 (no positive labels)");
        }
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        Arrays.sort(order, Comparator.comparingDouble((Integer i) -> -scores[i]));
        double bestF1 = -1;
        double bestF1Threshold = scores[order[0]];
        double precisionThreshold = Double.NaN;
        long tp = 0;
        long fp = 0;
        for (int k = 0; k < n; k++) {
            int row = order[k];
            tp += labels[row];
            fp += 1 - labels[row];
            // Only cut between distinct scores: rows with equal scores are flagged together.
            if (k + 1 < n && scores[order[k + 1]] == scores[row]) {
                continue;
            }
            double precision = (double) tp / (tp + fp);
            double recall = (double) tp / positives;
            double f1 = precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall);
            if (f1 > bestF1) {
                bestF1 = f1;
                bestF1Threshold = scores[row];
            }
            if (!Double.isNaN(minPrecision) && precision >= minPrecision) {
                precisionThreshold = scores[row];
            }
        }
        if (Double.isNaN(minPrecision)) {
            return new Choice(bestF1Threshold, Confusion.at(scores, bestF1Threshold, labels), "best-f1");
        }
        if (Double.isNaN(precisionThreshold)) {
            return new Choice(bestF1Threshold, Confusion.at(scores, bestF1Threshold, labels),
                    "best-f1 (" + this + " unreachable)");
        }
        return new Choice(precisionThreshold, Confusion.at(scores, precisionThreshold, labels), toString());
    }

    @Override
    public String toString() {
        return Double.isNaN(minPrecision) ? "best-f1" : "precision>=" + minPrecision;
    }
}
