package dev.anomalyops.drift.internal;

/**
 * Sample quantiles with exactly numpy's default ({@code method="linear"}, Hyndman and Fan type 7) arithmetic, so
 * that bin edges learnt here are bit-identical to {@code np.quantile} on the same values. numpy interpolates from
 * the nearer neighbour ({@code b - (b - a)(1 - g)} once {@code g >= 0.5}); doing the same keeps the last bit.
 */
public final class Quantiles {
    private Quantiles() {}

    /**
     * @param sorted ascending, finite values
     * @param from first index of the sample in {@code sorted}
     * @param to one past the last index; the sample must not be empty
     * @param level the quantile level in [0, 1]
     * @return the quantile
     */
    public static double linear(double[] sorted, int from, int to, double level) {
        int n = to - from;
        if (n <= 0) {
            throw new IllegalArgumentException("Cannot take a quantile of an empty sample");
        }
        double virtual = (n - 1) * level;
        if (virtual >= n - 1) {
            return sorted[to - 1];
        }
        if (virtual < 0) {
            return sorted[from];
        }
        double previous = Math.floor(virtual);
        int index = (int) previous;
        double a = sorted[from + index];
        double b = sorted[from + index + 1];
        double gamma = virtual - previous;
        double diff = b - a;
        return gamma >= 0.5 ? b - diff * (1 - gamma) : a + diff * gamma;
    }

    /**
     * @param sorted ascending values
     * @param from first index to search
     * @param to one past the last index
     * @param key the value looked for
     * @return the number of values in the range strictly less than {@code key} ({@code searchsorted(side="left")})
     */
    public static int countBelow(double[] sorted, int from, int to, double key) {
        int lo = from;
        int hi = to;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (sorted[mid] < key) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo - from;
    }

    /**
     * @param sorted ascending values
     * @param from first index to search
     * @param to one past the last index
     * @param key the value looked for
     * @return the number of values in the range less than or equal to {@code key} ({@code searchsorted(side="right")})
     */
    public static int countAtMost(double[] sorted, int from, int to, double key) {
        int lo = from;
        int hi = to;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (sorted[mid] <= key) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo - from;
    }
}
