package dev.anomalyops.train.eval;

import java.util.Arrays;

/**
 * Threshold-free metrics of a score against binary labels (1 = anomaly), defined as scikit-learn's
 * {@code roc_auc_score} and {@code average_precision_score}. Higher scores mean "more anomalous".
 */
public final class RankingMetrics {
    private RankingMetrics() {}

    /**
     * Area under the ROC curve: the probability that a random anomaly scores higher than a random normal
     * row, ties counting one half (Mann–Whitney U with average ranks).
     *
     * @param scores one score per row; NaN is not allowed
     * @param labels one label per row, 0 or 1
     * @return the AUC, or NaN when only one class is present
     */
    public static double rocAuc(double[] scores, int[] labels) {
        check(scores, labels);
        int n = scores.length;
        Integer[] boxed = order(scores);
        long positives = 0;
        double rankSum = 0;
        int i = 0;
        while (i < n) {
            int j = i;
            while (j + 1 < n && scores[boxed[j + 1]] == scores[boxed[i]]) {
                j++;
            }
            double averageRank = (i + j) / 2.0 + 1.0;
            for (int k = i; k <= j; k++) {
                if (labels[boxed[k]] == 1) {
                    positives++;
                    rankSum += averageRank;
                }
            }
            i = j + 1;
        }
        long negatives = n - positives;
        if (positives == 0 || negatives == 0) {
            return Double.NaN;
        }
        return (rankSum - positives * (positives + 1) / 2.0) / ((double) positives * negatives);
    }

    /**
     * Average precision: {@code Σ (R_k − R_{k−1}) P_k} over the distinct score thresholds from the highest
     * down, the area under the precision-recall curve without interpolation.
     *
     * @param scores one score per row; NaN is not allowed
     * @param labels one label per row, 0 or 1
     * @return the average precision, or NaN when there is no anomaly
     */
    public static double averagePrecision(double[] scores, int[] labels) {
        check(scores, labels);
        int n = scores.length;
        Integer[] boxed = order(scores);
        long positives = Arrays.stream(labels).filter(l -> l == 1).count();
        if (positives == 0) {
            return Double.NaN;
        }
        double ap = 0;
        long tp = 0;
        long seen = 0;
        double previousRecall = 0;
        int i = n - 1;
        while (i >= 0) {
            int j = i;
            while (j - 1 >= 0 && scores[boxed[j - 1]] == scores[boxed[i]]) {
                j--;
            }
            for (int k = j; k <= i; k++) {
                seen++;
                if (labels[boxed[k]] == 1) {
                    tp++;
                }
            }
            double recall = (double) tp / positives;
            double precision = (double) tp / seen;
            ap += (recall - previousRecall) * precision;
            previousRecall = recall;
            i = j - 1;
        }
        return ap;
    }

    private static Integer[] order(double[] scores) {
        Integer[] index = new Integer[scores.length];
        for (int i = 0; i < index.length; i++) {
            index[i] = i;
        }
        Arrays.sort(index, (a, b) -> Double.compare(scores[a], scores[b]));
        return index;
    }

    static void check(double[] scores, int[] labels) {
        if (scores.length != labels.length) {
            throw new IllegalArgumentException("There are " + scores.length + " scores but " + labels.length + " labels");
        }
        for (int i = 0; i < scores.length; i++) {
            if (Double.isNaN(scores[i])) {
                throw new IllegalArgumentException("Score " + i + " is NaN");
            }
            if (labels[i] != 0 && labels[i] != 1) {
                throw new IllegalArgumentException("Label " + i + " is " + labels[i] + " but labels must be 0 or 1");
            }
        }
    }
}
