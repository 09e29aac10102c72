package dev.anomalyops.benchmarks.logs;

/**
 * Precision, recall and F1 of binary predictions against labels (1 = anomaly).
 *
 * @param truePositives anomalies flagged
 * @param falsePositives normal samples flagged
 * @param falseNegatives anomalies missed
 * @param trueNegatives normal samples not flagged
 */
public record BinaryMetrics(long truePositives, long falsePositives, long falseNegatives, long trueNegatives) {

    /**
     * @param labels true labels, 0 or 1
     * @param predicted predicted labels, 0 or 1
     * @return the confusion counts
     */
    public static BinaryMetrics of(int[] labels, int[] predicted) {
        if (labels.length != predicted.length) {
            throw new IllegalArgumentException(labels.length + " labels but " + predicted.length + " predictions");
        }
        long tp = 0;
        long fp = 0;
        long fn = 0;
        long tn = 0;
        for (int i = 0; i < labels.length; i++) {
            if (predicted[i] == 1) {
                if (labels[i] == 1) {
                    tp++;
                } else {
                    fp++;
                }
            } else if (labels[i] == 1) {
                fn++;
            } else {
                tn++;
            }
        }
        return new BinaryMetrics(tp, fp, fn, tn);
    }

    /** @return TP / (TP + FP), 0 when nothing is flagged */
    public double precision() {
        return truePositives + falsePositives == 0 ? 0 : (double) truePositives / (truePositives + falsePositives);
    }

    /** @return TP / (TP + FN), 0 when there is no anomaly */
    public double recall() {
        return truePositives + falseNegatives == 0 ? 0 : (double) truePositives / (truePositives + falseNegatives);
    }

    /** @return the harmonic mean of precision and recall, 0 when both are 0 */
    public double f1() {
        double p = precision();
        double r = recall();
        return p + r == 0 ? 0 : 2 * p * r / (p + r);
    }
}
