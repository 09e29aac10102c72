package dev.anomalyops.rollout;

/** Normal-distribution helpers for the A/B tests (package-private: not API). */
final class Statistics {
    private Statistics() {}

    /**
     * Complementary error function, Chebyshev approximation with fractional error below 1.2e-7 everywhere
     * (Press et al., Numerical Recipes, 2nd ed., section 6.2, {@code erfcc}).
     */
    static double erfc(double x) {
        double z = Math.abs(x);
        double t = 1.0 / (1.0 + 0.5 * z);
        double poly = -z * z - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418
                + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587
                + t * (-0.82215223 + t * 0.17087277))))))));
        double ans = t * Math.exp(poly);
        return x >= 0.0 ? ans : 2.0 - ans;
    }

    /** P(Z > z) for a standard normal Z. */
    static double normalSurvival(double z) {
        return 0.5 * erfc(z / Math.sqrt(2.0));
    }
}
