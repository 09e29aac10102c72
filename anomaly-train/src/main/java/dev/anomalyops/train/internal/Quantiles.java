package dev.anomalyops.train.internal;

/** Threshold arithmetic shared by the detectors. */
public final class Quantiles {
    private Quantiles() {}

    /**
     * How many of the largest scores {@link #upperThreshold} needs.
     *
     * @param n number of scores
     * @param contamination share to flag, in (0, 0.5]
     * @return {@code min(n, floor((n-1) c) + 2)}
     */
    public static int needed(long n, double contamination) {
        long k = (long) Math.floor((n - 1) * contamination) + 2;
        return (int) Math.min(n, k);
    }

    /**
     * The score above which a share {@code c} of the scores lies, interpolated linearly exactly as
     * {@code -numpy.percentile(-scores, 100 c)} (scikit-learn's {@code offset_}, negated).
     *
     * @param largestFirst the {@link #needed} largest scores, largest first
     * @param n number of scores in all
     * @param contamination share to flag
     * @return the cut; a row is flagged when its score is strictly greater
     */
    public static double upperThreshold(double[] largestFirst, long n, double contamination) {
        double h = (n - 1) * contamination;
        int lower = (int) Math.floor(h);
        double fraction = h - lower;
        // numpy works on the negated scores (score_samples) in ascending order; mirror its lerp exactly.
        double a = -largestFirst[lower];
        if (lower + 1 >= largestFirst.length || fraction == 0) {
            return -a;
        }
        double b = -largestFirst[lower + 1];
        double difference = b - a;
        double offset = fraction >= 0.5 ? b - difference * (1 - fraction) : a + difference * fraction;
        return -offset;
    }
}
