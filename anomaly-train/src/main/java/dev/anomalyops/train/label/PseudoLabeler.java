package dev.anomalyops.train.label;

import dev.anomalyops.core.ConfigurationException;
import java.util.Arrays;

/**
 * Turns detector scores into labels with a confidence. A row is labelled 1 (anomaly) when its score is at or
 * above the threshold, given directly or derived from a contamination (the share of the scored rows to flag).
 *
 * <p><b>Confidence</b> is rank-based, so it means the same for any detector's score scale: within each side of
 * the threshold, rows are ranked by their distance to it, and a row's confidence is
 * {@code 0.5 + 0.5 × rank / rowsOnThatSide} (ties share their average rank). The flagged row nearest the
 * threshold gets just over 0.5, the highest-scoring row 1.0; likewise on the normal side. Immutable.
 *
 * <pre>{@code
 * PseudoLabels labels = PseudoLabeler.threshold(model.threshold()).label(scores);
 * List<Label> forStore = labels.toLabels(row -> ids[row], "isolation-forest@" + checksum, Instant.now());
 * }</pre>
 */
public final class PseudoLabeler {
    private final double threshold;
    private final double contamination;

    private PseudoLabeler(double threshold, double contamination) {
        this.threshold = threshold;
        this.contamination = contamination;
    }

    /**
     * @param threshold rows scoring at or above it are labelled anomalies (a detector's {@code threshold()})
     * @return the labeler
     */
    public static PseudoLabeler threshold(double threshold) {
        if (Double.isNaN(threshold)) {
            throw new ConfigurationException("threshold was NaN; give the detector's threshold");
        }
        return new PseudoLabeler(threshold, Double.NaN);
    }

    /**
     * @param fraction share of the scored rows to label as anomalies, in (0, 0.5]
     * @return the labeler
     */
    public static PseudoLabeler contamination(double fraction) {
        if (!(fraction > 0 && fraction <= 0.5)) {
            throw new ConfigurationException("contamination was " + fraction + " but it must be in (0, 0.5]");
        }
        return new PseudoLabeler(Double.NaN, fraction);
    }

    /**
     * @param scores detector scores, higher = more anomalous; NaN is not allowed
     * @return labels and confidences, one per score
     */
    public PseudoLabels label(double[] scores) {
        int n = scores.length;
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) {
            if (Double.isNaN(scores[i])) {
                throw new IllegalArgumentException("Score " + i + " is NaN; score every row before pseudo-labelling");
            }
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> Double.compare(scores[a], scores[b]));
        double cut = threshold;
        if (Double.isNaN(cut)) {
            // Flag ceil(c · n) rows, like a contamination on these very rows.
            int flag = (int) Math.ceil(contamination * n);
            cut = flag == 0 || n == 0 ? Double.POSITIVE_INFINITY : scores[order[n - flag]];
        }
        int[] labels = new int[n];
        double[] confidence = new double[n];
        int firstFlagged = 0;
        while (firstFlagged < n && scores[order[firstFlagged]] < cut) {
            firstFlagged++;
        }
        // Normal side: nearest the threshold = highest score below it = last in ascending order.
        assignRanks(scores, order, firstFlagged - 1, -1, confidence);
        assignRanks(scores, order, firstFlagged, n, confidence);
        for (int i = firstFlagged; i < n; i++) {
            labels[order[i]] = 1;
        }
        return new PseudoLabels(cut, labels, confidence);
    }

    /** Ranks order[from], order[from ± 1] … (exclusive of {@code to}) by distance to the threshold. */
    private static void assignRanks(double[] scores, Integer[] order, int from, int to, double[] confidence) {
        int step = to > from ? 1 : -1;
        int count = Math.abs(to - from);
        int i = from;
        int rank = 0;
        while (i != to) {
            int j = i;
            while (j + step != to && scores[order[j + step]] == scores[order[i]]) {
                j += step;
            }
            int tied = Math.abs(j - i) + 1;
            double averageRank = rank + (tied + 1) / 2.0;
            for (int k = i; k != j + step; k += step) {
                confidence[order[k]] = 0.5 + 0.5 * averageRank / count;
            }
            rank += tied;
            i = j + step;
        }
    }
}
