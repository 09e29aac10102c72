package dev.anomalyops.drift;

/**
 * Counts of predicted against actual labels, with the usual quality measures. "Positive" means anomalous. Each
 * measure is NaN when its denominator is 0.
 *
 * @param truePositives flagged and anomalous
 * @param falsePositives flagged but normal
 * @param trueNegatives not flagged and normal
 * @param falseNegatives not flagged but anomalous
 */
public record ConfusionMatrix(long truePositives, long falsePositives, long trueNegatives, long falseNegatives) {
    /** Checks that no count is negative. */
    public ConfusionMatrix {
        if (truePositives < 0 || falsePositives < 0 || trueNegatives < 0 || falseNegatives < 0) {
            throw new IllegalArgumentException("Confusion counts must be >= 0 but were " + truePositives + ", "
                    + falsePositives + ", " + trueNegatives + ", " + falseNegatives);
        }
    }

    /** @return all labelled rows */
    public long total() {
        return truePositives + falsePositives + trueNegatives + falseNegatives;
    }

    /** @return correct labels over all labels */
    public double accuracy() {
        return ratio(truePositives + trueNegatives, total());
    }

    /** @return true anomalies among flagged rows */
    public double precision() {
        return ratio(truePositives, truePositives + falsePositives);
    }

    /** @return flagged rows among true anomalies */
    public double recall() {
        return ratio(truePositives, truePositives + falseNegatives);
    }

    /** @return the harmonic mean of precision and recall, {@code 2TP / (2TP + FP + FN)} */
    public double f1() {
        return ratio(2 * truePositives, 2 * truePositives + falsePositives + falseNegatives);
    }

    /** @return flagged rows among normal ones */
    public double falsePositiveRate() {
        return ratio(falsePositives, falsePositives + trueNegatives);
    }

    private static double ratio(long numerator, long denominator) {
        return denominator == 0 ? Double.NaN : (double) numerator / denominator;
    }
}
