package dev.anomalyops.drift;

/**
 * The drift statistics between a reference and a production distribution over the same bins, all with natural
 * logarithms. Inputs are bin shares (each array sums to 1) or bin counts.
 *
 * <p>Empty bins: PSI and KL divide by bin shares, so both distributions are smoothed first: every share below
 * {@code epsilon} is raised to {@code epsilon} and the result renormalised to sum to 1 ({@link #smooth}). With
 * smoothing both statistics are finite, PSI is symmetric and {@code PSI = KL(p||q) + KL(q||p)}. Jensen-Shannon
 * needs no smoothing and uses the raw shares.
 *
 * <p>Reading PSI: below 0.1 no significant change, 0.1 to 0.25 moderate, above 0.25 major; the retrain trigger
 * fires above 0.3.
 */
public final class DriftStatistics {
    /** The default floor for empty-bin shares. */
    public static final double DEFAULT_EPSILON = 1e-4;

    private DriftStatistics() {}

    /**
     * Population stability index, {@code Σ (p - q) ln(p / q)} over smoothed shares.
     *
     * @param reference reference shares
     * @param production production shares over the same bins
     * @param epsilon floor for empty bins, in (0, 1)
     * @return PSI, {@code >= 0}; 0 for identical distributions
     */
    public static double psi(double[] reference, double[] production, double epsilon) {
        checkSameBins(reference, production);
        double[] q = smooth(reference, epsilon);
        double[] p = smooth(production, epsilon);
        double sum = 0;
        for (int i = 0; i < p.length; i++) {
            sum += (p[i] - q[i]) * Math.log(p[i] / q[i]);
        }
        return sum;
    }

    /**
     * Kullback-Leibler divergence of production from reference, {@code KL(p || q) = Σ p ln(p / q)}, over smoothed
     * shares.
     *
     * @param production production shares ({@code p})
     * @param reference reference shares over the same bins ({@code q})
     * @param epsilon floor for empty bins, in (0, 1)
     * @return the divergence, {@code >= 0}
     */
    public static double klDivergence(double[] production, double[] reference, double epsilon) {
        checkSameBins(reference, production);
        double[] q = smooth(reference, epsilon);
        double[] p = smooth(production, epsilon);
        double sum = 0;
        for (int i = 0; i < p.length; i++) {
            sum += p[i] * Math.log(p[i] / q[i]);
        }
        return sum;
    }

    /**
     * Jensen-Shannon divergence, {@code ½ KL(p || m) + ½ KL(q || m)} with {@code m = (p + q) / 2}, on raw shares.
     * (scipy's {@code jensenshannon} returns the square root of this, the JS distance.)
     *
     * @param a one distribution's shares
     * @param b the other's, over the same bins
     * @return the divergence, in {@code [0, ln 2]}, symmetric
     */
    public static double jensenShannon(double[] a, double[] b) {
        checkSameBins(a, b);
        double left = 0;
        double right = 0;
        for (int i = 0; i < a.length; i++) {
            double m = (a[i] + b[i]) / 2;
            if (a[i] > 0) {
                left += a[i] * Math.log(a[i] / m);
            }
            if (b[i] > 0) {
                right += b[i] * Math.log(b[i] / m);
            }
        }
        return (left + right) / 2;
    }

    /**
     * @param shares bin shares
     * @param epsilon the floor, in (0, 1)
     * @return the shares with every value below {@code epsilon} raised to it, renormalised to sum to 1
     */
    public static double[] smooth(double[] shares, double epsilon) {
        if (!(epsilon > 0 && epsilon < 1)) {
            throw new IllegalArgumentException("epsilon must be in (0, 1) but was " + epsilon);
        }
        double[] smoothed = new double[shares.length];
        double total = 0;
        for (int i = 0; i < shares.length; i++) {
            smoothed[i] = Math.max(shares[i], epsilon);
            total += smoothed[i];
        }
        for (int i = 0; i < smoothed.length; i++) {
            smoothed[i] /= total;
        }
        return smoothed;
    }

    /**
     * @param counts counts per bin
     * @return each count's share of the total; all zeros when the total is 0
     */
    public static double[] shares(long[] counts) {
        long total = 0;
        for (long count : counts) {
            total += count;
        }
        double[] shares = new double[counts.length];
        if (total > 0) {
            for (int i = 0; i < counts.length; i++) {
                shares[i] = (double) counts[i] / total;
            }
        }
        return shares;
    }

    private static void checkSameBins(double[] a, double[] b) {
        if (a.length != b.length || a.length == 0) {
            throw new IllegalArgumentException("Both distributions need the same, non-zero number of bins but had "
                    + a.length + " and " + b.length);
        }
    }
}
