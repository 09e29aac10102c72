package dev.anomalyops.train.eval;

/**
 * Confusion counts of binary predictions against labels (1 = anomaly), with the derived rates. Rates whose
 * denominator is zero are 0, as scikit-learn reports them with {@code zero_division=0}.
 *
 * @param truePositives anomalies flagged
 * @param falsePositives normal rows flagged
 * @param trueNegatives normal rows not flagged
 * @param falseNegatives anomalies missed
 */
public record Confusion(long truePositives, long falsePositives, long trueNegatives, long falseNegatives) {

    /** Checks that counts are not negative. */
    public Confusion {
        if (truePositives < 0 || falsePositives < 0 || trueNegatives < 0 || falseNegatives < 0) {
            throw new IllegalArgumentException("Confusion counts must not be negative");
        }
    }

    /**
     * @param predicted one prediction per row
     * @param labels one label per row, 0 or 1
     * @return the counts
     */
    public static Confusion of(boolean[] predicted, int[] labels) {
        if (predicted.length != labels.length) {
            throw new IllegalArgumentException("There are " + predicted.length + " predictions but " + labels.length
                    + " labels");
        }
        long tp = 0;
        long fp = 0;
        long tn = 0;
        long fn = 0;
        for (int i = 0; i < labels.length; i++) {
            boolean anomaly = labels[i] == 1;
            if (!anomaly && labels[i] != 0) {
                throw new IllegalArgumentException("Label " + i + " is " + labels[i] + " but labels must be 0 or 1");
            }
            if (predicted[i]) {
                if (anomaly) {
                    tp++;
                } else {
                    fp++;
                }
            } else if (anomaly) {
                fn++;
            } else {
                tn++;
            }
        }
        return new Confusion(tp, fp, tn, fn);
    }

    /**
     * @param scores one score per row
     * @param threshold rows scoring at or above it are flagged
     * @param labels one label per row
     * @return the counts
     */
    public static Confusion at(double[] scores, double threshold, int[] labels) {
        return of(flag(scores, threshold), labels);
    }

    /**
     * @param scores scores
     * @param threshold the cut
     * @return {@code scores[i] >= threshold}
     */
    public static boolean[] flag(double[] scores, double threshold) {
        boolean[] flagged = new boolean[scores.length];
        for (int i = 0; i < scores.length; i++) {
            flagged[i] = scores[i] >= threshold;
        }
        return flagged;
    }

    /** @return rows counted */
    public long total() {
        return truePositives + falsePositives + trueNegatives + falseNegatives;
    }

    /** @return rows flagged */
    public long flagged() {
        return truePositives + falsePositives;
    }

    /** @return TP / (TP + FP) */
    public double precision() {
        return ratio(truePositives, truePositives + falsePositives);
    }

    /** @return TP / (TP + FN) */
    public double recall() {
        return ratio(truePositives, truePositives + falseNegatives);
    }

    /** @return the harmonic mean of precision and recall */
    public double f1() {
        return ratio(2 * truePositives, 2 * truePositives + falsePositives + falseNegatives);
    }

    /** @return FP / (FP + TN) */
    public double falsePositiveRate() {
        return ratio(falsePositives, falsePositives + trueNegatives);
    }

    private static double ratio(long numerator, long denominator) {
        return denominator == 0 ? 0.0 : (double) numerator / denominator;
    }
}
