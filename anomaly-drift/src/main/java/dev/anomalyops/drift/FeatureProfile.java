package dev.anomalyops.drift;

import java.util.Arrays;
import java.util.Objects;

/**
 * What the training data looked like for one input (a feature, or the model's predicted probability): quantile bin
 * edges and how many training values fell in each bin, the missing rate, the range and Tukey's outlier fences.
 * Immutable.
 *
 * <p>Bins: with inner edges {@code e[0] < e[1] < … < e[k-1]} there are {@code k + 1} bins and a value {@code x}
 * belongs to bin {@code #{i : e[i] <= x}} (numpy's {@code searchsorted(edges, x, side="right")}). The outer bins
 * are open, so production values beyond the training range still land in a bin. Missing values (NaN) are not
 * binned; they count towards the missing rate. Infinite values are binned (in the outer bins) and count as
 * outliers.
 */
public final class FeatureProfile {
    private final String name;
    private final double[] edges;
    private final long[] counts;
    private final long missing;
    private final double min;
    private final double max;
    private final double outlierLow;
    private final double outlierHigh;
    private final long outliers;
    private final long binned;

    /**
     * @param name the feature name, or {@link ReferenceProfile#PREDICTION} for predicted probabilities
     * @param edges the inner bin edges, finite and strictly increasing (may be empty: one bin)
     * @param counts training values per bin, {@code edges.length + 1} non-negative counts
     * @param missing training values that were missing
     * @param min the smallest finite training value, NaN when there was none
     * @param max the largest finite training value, NaN when there was none
     * @param outlierLow values below this are outliers; NaN for no lower fence
     * @param outlierHigh values above this are outliers; NaN for no upper fence
     * @param outliers training values outside the fences
     * @throws IllegalArgumentException when the parts are inconsistent
     */
    public FeatureProfile(String name, double[] edges, long[] counts, long missing, double min, double max,
            double outlierLow, double outlierHigh, long outliers) {
        this.name = Objects.requireNonNull(name, "name");
        this.edges = edges.clone();
        this.counts = counts.clone();
        if (name.isEmpty()) {
            throw new IllegalArgumentException("A feature profile needs a name");
        }
        for (int i = 0; i < this.edges.length; i++) {
            if (!Double.isFinite(this.edges[i]) || (i > 0 && !(this.edges[i] > this.edges[i - 1]))) {
                throw new IllegalArgumentException("Bin edges of \"" + name + "\" must be finite and strictly increasing but were "
                        + Arrays.toString(this.edges));
            }
        }
        if (this.counts.length != this.edges.length + 1) {
            throw new IllegalArgumentException("Feature \"" + name + "\" has " + this.edges.length + " bin edges, so "
                    + (this.edges.length + 1) + " bin counts are expected but " + this.counts.length + " were given");
        }
        long sum = 0;
        for (long count : this.counts) {
            if (count < 0) {
                throw new IllegalArgumentException("Bin counts of \"" + name + "\" must be >= 0 but were "
                        + Arrays.toString(this.counts));
            }
            sum += count;
        }
        if (missing < 0 || outliers < 0 || outliers > sum) {
            throw new IllegalArgumentException("Feature \"" + name + "\" has " + missing + " missing and " + outliers
                    + " outlier values for " + sum + " binned values; expected 0 <= missing and 0 <= outliers <= binned");
        }
        if (!Double.isNaN(outlierLow) && !Double.isNaN(outlierHigh) && outlierLow > outlierHigh) {
            throw new IllegalArgumentException("Outlier fences of \"" + name + "\" are reversed: low " + outlierLow
                    + " > high " + outlierHigh);
        }
        this.binned = sum;
        this.missing = missing;
        this.min = min;
        this.max = max;
        this.outlierLow = outlierLow;
        this.outlierHigh = outlierHigh;
        this.outliers = outliers;
    }

    /** @return the feature name ({@link ReferenceProfile#PREDICTION} for predicted probabilities) */
    public String name() {
        return name;
    }

    /** @return the inner bin edges (a copy) */
    public double[] edges() {
        return edges.clone();
    }

    /** @return the number of bins, {@code edges().length + 1} */
    public int bins() {
        return counts.length;
    }

    /** @return training values per bin (a copy) */
    public long[] counts() {
        return counts.clone();
    }

    /**
     * @param bin a bin index
     * @return the training share of that bin among non-missing values (0 when there were none)
     */
    public double frequency(int bin) {
        return binned == 0 ? 0.0 : (double) counts[bin] / binned;
    }

    /** @return the training share of every bin among non-missing values (a new array) */
    public double[] frequencies() {
        double[] shares = new double[counts.length];
        for (int i = 0; i < shares.length; i++) {
            shares[i] = frequency(i);
        }
        return shares;
    }

    /**
     * @param x a value
     * @return its bin, {@code #{i : edges[i] <= x}}; NaN gives 0 (callers count missing values apart)
     */
    public int binOf(double x) {
        int lo = 0;
        int hi = edges.length;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (edges[mid] <= x) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    /** @return non-missing training values */
    public long binned() {
        return binned;
    }

    /** @return missing training values */
    public long missing() {
        return missing;
    }

    /** @return the share of training values that were missing (0 when there were no values) */
    public double missingRate() {
        long rows = binned + missing;
        return rows == 0 ? 0.0 : (double) missing / rows;
    }

    /** @return the smallest finite training value, NaN when there was none */
    public double min() {
        return min;
    }

    /** @return the largest finite training value, NaN when there was none */
    public double max() {
        return max;
    }

    /** @return values below this are outliers; NaN when there is no lower fence */
    public double outlierLow() {
        return outlierLow;
    }

    /** @return values above this are outliers; NaN when there is no upper fence */
    public double outlierHigh() {
        return outlierHigh;
    }

    /**
     * @param x a value (not NaN)
     * @return whether it lies outside the outlier fences
     */
    public boolean isOutlier(double x) {
        return x < outlierLow || x > outlierHigh;
    }

    /** @return training values outside the fences */
    public long outliers() {
        return outliers;
    }

    /** @return the share of non-missing training values outside the fences (0 when there were none) */
    public double outlierRate() {
        return binned == 0 ? 0.0 : (double) outliers / binned;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof FeatureProfile p && name.equals(p.name) && Arrays.equals(edges, p.edges)
                && Arrays.equals(counts, p.counts) && missing == p.missing && Double.compare(min, p.min) == 0
                && Double.compare(max, p.max) == 0 && Double.compare(outlierLow, p.outlierLow) == 0
                && Double.compare(outlierHigh, p.outlierHigh) == 0 && outliers == p.outliers;
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, Arrays.hashCode(edges), Arrays.hashCode(counts), missing, min, max, outliers);
    }

    @Override
    public String toString() {
        return "FeatureProfile[" + name + ", bins=" + bins() + ", binned=" + binned + ", missing=" + missing + "]";
    }
}
