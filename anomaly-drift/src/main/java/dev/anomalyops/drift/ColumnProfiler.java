package dev.anomalyops.drift;

import dev.anomalyops.drift.internal.Quantiles;
import java.util.Arrays;

/** Learns one {@link FeatureProfile} from the non-missing values of a column. */
final class ColumnProfiler {
    private ColumnProfiler() {}

    /**
     * @param name the column's name
     * @param values the non-missing values in {@code [0, n)}; sorted in place
     * @param n how many values are used
     * @param missing how many values of the column were missing
     * @param bins quantile bins before equal edges are merged
     * @param outlierMultiplier {@code k} of Tukey's fences
     * @return the profile
     */
    public static FeatureProfile profile(String name, double[] values, int n, long missing, int bins,
            double outlierMultiplier) {
        Arrays.sort(values, 0, n);
        // Quantiles, range and fences use finite values only; +-infinity sorts to the ends.
        int from = Quantiles.countAtMost(values, 0, n, Double.NEGATIVE_INFINITY);
        int to = Quantiles.countBelow(values, 0, n, Double.POSITIVE_INFINITY);
        double[] edges;
        double min = Double.NaN;
        double max = Double.NaN;
        double low = Double.NaN;
        double high = Double.NaN;
        if (to > from) {
            double[] levels = new double[bins - 1];
            for (int k = 1; k < bins; k++) {
                levels[k - 1] = Quantiles.linear(values, from, to, (double) k / bins);
            }
            edges = distinctSorted(levels);
            min = values[from];
            max = values[to - 1];
            double q1 = Quantiles.linear(values, from, to, 0.25);
            double q3 = Quantiles.linear(values, from, to, 0.75);
            double iqr = q3 - q1;
            low = q1 - outlierMultiplier * iqr;
            high = q3 + outlierMultiplier * iqr;
            if (!Double.isFinite(low)) {
                low = Double.NaN;
            }
            if (!Double.isFinite(high)) {
                high = Double.NaN;
            }
        } else {
            edges = new double[0];
        }
        long[] counts = new long[edges.length + 1];
        int below = 0;
        for (int j = 0; j < edges.length; j++) {
            int upTo = Quantiles.countBelow(values, 0, n, edges[j]);
            counts[j] = upTo - below;
            below = upTo;
        }
        counts[edges.length] = n - below;
        long outliers = 0;
        if (!Double.isNaN(low)) {
            outliers += Quantiles.countBelow(values, 0, n, low);
        }
        if (!Double.isNaN(high)) {
            outliers += n - Quantiles.countAtMost(values, 0, n, high);
        }
        return new FeatureProfile(name, edges, counts, missing, min, max, low, high, outliers);
    }

    private static double[] distinctSorted(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int kept = 0;
        for (int i = 0; i < sorted.length; i++) {
            // == treats -0.0 and 0.0 as one edge, as numpy's unique does.
            if (kept == 0 || sorted[i] != sorted[kept - 1]) {
                sorted[kept++] = sorted[i];
            }
        }
        return Arrays.copyOf(sorted, kept);
    }
}
