package dev.anomalyops.features.metrics;

/**
 * One rolling window over one metric of one instance: Welford moments and, for windows longer than
 * {@link #SCAN_MAX}, monotonic min/max deques over the metric's shared history ring. Every update is O(1) (the
 * deques amortised; a scan of at most {@code SCAN_MAX} values for short windows). The moments are recomputed exactly
 * with two passes over the window every {@code length} updates, so the error of the incremental update cannot
 * build up over a long series (amortised O(1)), and also when the sum of squares collapses below a millionth of
 * its peak since the last recomputation: a large value leaving the window would otherwise leave its rounding
 * error behind in a now tiny variance (a constant window must give std 0, not noise). That second trigger costs
 * O(length) and fires at most once per value leaving the window; on real data it is rare.
 */
final class RollingWindow {
    final int length;
    final boolean propagate;
    final int minPeriods;
    final int meanAt;
    final int stdAt;
    final int minAt;
    final int maxAt;
    private final boolean wantMin;
    private final boolean wantMax;
    /**
     * Windows up to this length find min and max by scanning the ring (at most 16 contiguous values, already in
     * cache for the moments); longer ones keep monotonic deques. Both give the exact same values.
     */
    static final int SCAN_MAX = 16;
    private final boolean scan;

    // Moments of the present values in the window.
    private int n;
    // Moments are kept relative to a shift near the window's values (x - shift is exact for nearby x), so a large
    // offset never eats the digits of a small spread.
    private double shift;
    private double mean;
    private double m2;
    private double m2Peak;
    private double inverseN;
    private int sinceAnchor;
    private static final double COLLAPSE = 1e-6;
    // Missing steps inside the window (for PROPAGATE).
    private int missing;
    // Deques of step indices; values live in the metric's ring.
    private final long[] minQ;
    private final long[] maxQ;
    private final int qMask;
    private int minHead;
    private int minSize;
    private int maxHead;
    private int maxSize;

    RollingWindow(int length, boolean propagate, int minPeriods, int meanAt, int stdAt, int minAt, int maxAt) {
        this.length = length;
        this.propagate = propagate;
        this.minPeriods = minPeriods;
        this.meanAt = meanAt;
        this.stdAt = stdAt;
        this.minAt = minAt;
        this.maxAt = maxAt;
        this.wantMin = minAt >= 0;
        this.wantMax = maxAt >= 0;
        this.scan = length <= SCAN_MAX;
        int capacity = Integer.highestOneBit(Math.max(1, length) * 2 - 1);
        this.qMask = capacity - 1;
        this.minQ = wantMin && !scan ? new long[capacity] : new long[0];
        this.maxQ = wantMax && !scan ? new long[capacity] : new long[0];
    }

    void reset() {
        n = 0;
        shift = 0;
        mean = 0;
        m2 = 0;
        m2Peak = 0;
        sinceAnchor = 0;
        missing = 0;
        minHead = 0;
        minSize = 0;
        maxHead = 0;
        maxSize = 0;
    }

    /**
     * Slides the window to step {@code t}, whose value {@code in} is already in the ring.
     *
     * @param ring the metric's history
     * @param mask ring index mask
     * @param t the new step
     * @param in the new value (NaN when missing)
     */
    void step(double[] ring, int mask, long t, double in) {
        boolean inOk = in == in;
        long outStep = t - length;
        boolean hasOut = outStep >= 0;
        double out = hasOut ? ring[(int) (outStep & mask)] : Double.NaN;
        boolean outOk = out == out;
        if (inOk) {
            if (outOk) {
                double a = in - shift;
                double b = out - shift;
                double meanOld = mean;
                double delta = a - b;
                // n is unchanged here (the common, full-window case): multiply by the cached reciprocal.
                mean = meanOld + delta * inverseN;
                m2 += delta * (a - mean + b - meanOld);
            } else {
                if (n == 0) {
                    shift = in;
                }
                n++;
                inverseN = 1.0 / n;
                double a = in - shift;
                double d = a - mean;
                mean += d / n;
                m2 += d * (a - mean);
            }
        } else {
            if (outOk) {
                if (n == 1) {
                    n = 0;
                    mean = 0;
                    m2 = 0;
                } else {
                    n--;
                    inverseN = 1.0 / n;
                    double b = out - shift;
                    double d = b - mean;
                    mean -= d / n;
                    m2 -= d * (b - mean);
                }
            }
            missing++;
        }
        if (hasOut && !outOk) {
            missing--;
        }
        if (++sinceAnchor >= length || m2 < m2Peak * COLLAPSE) {
            anchor(ring, mask, t);
        } else if (m2 > m2Peak) {
            m2Peak = m2;
        }
        if (wantMin && !scan) {
            while (minSize > 0 && minQ[minHead] <= outStep) {
                minHead = (minHead + 1) & qMask;
                minSize--;
            }
            if (inOk) {
                while (minSize > 0 && ring[(int) (minQ[(minHead + minSize - 1) & qMask] & mask)] >= in) {
                    minSize--;
                }
                minQ[(minHead + minSize) & qMask] = t;
                minSize++;
            }
        }
        if (wantMax && !scan) {
            while (maxSize > 0 && maxQ[maxHead] <= outStep) {
                maxHead = (maxHead + 1) & qMask;
                maxSize--;
            }
            if (inOk) {
                while (maxSize > 0 && ring[(int) (maxQ[(maxHead + maxSize - 1) & qMask] & mask)] <= in) {
                    maxSize--;
                }
                maxQ[(maxHead + maxSize) & qMask] = t;
                maxSize++;
            }
        }
    }

    /** Exact two-pass moments over the window's present values. */
    private void anchor(double[] ring, int mask, long t) {
        sinceAnchor = 0;
        long first = Math.max(0, t - length + 1);
        int steps = (int) (t - first + 1);
        int start = (int) (first & mask);
        // int-counted loops over the ring (C2 optimises these; long-counted ones it does not).
        int count = 0;
        double sum = 0;
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        for (int i = 0, at = start; i < steps; i++, at = (at + 1) & mask) {
            double x = ring[at];
            if (x == x) {
                sum += x;
                count++;
                lo = x < lo ? x : lo;
                hi = x > hi ? x : hi;
            }
        }
        if (count == 0) {
            n = 0;
            mean = 0;
            m2 = 0;
            m2Peak = 0;
            return;
        }
        if (lo == hi) {
            // A constant window: its mean is that value and its variance exactly 0. sum / count can be one ulp off
            // the value, which would leave ~1e-17 of noise as the std instead of 0.
            n = count;
            inverseN = 1.0 / count;
            shift = lo;
            mean = 0;
            m2 = 0;
            m2Peak = 0;
            return;
        }
        double mu = sum / count;
        double offsetSum = 0;
        double squares = 0;
        for (int i = 0, at = start; i < steps; i++, at = (at + 1) & mask) {
            double x = ring[at];
            if (x == x) {
                double d = x - mu;
                offsetSum += d;
                squares += d * d;
            }
        }
        n = count;
        inverseN = 1.0 / count;
        shift = mu;
        mean = offsetSum / count;
        m2 = squares;
        m2Peak = squares;
    }

    /** Writes the requested statistics for step {@code t} into {@code out} at {@code offset}. */
    void emit(double[] ring, int mask, long t, float[] out, int offset) {
        boolean ok = propagate ? (t + 1 >= length && missing == 0) : n >= minPeriods;
        if (meanAt >= 0) {
            out[offset + meanAt] = ok ? (float) (shift + mean) : Float.NaN;
        }
        if (stdAt >= 0) {
            out[offset + stdAt] = ok && n >= 2 ? (float) Math.sqrt(Math.max(m2, 0.0) / (n - 1)) : Float.NaN;
        }
        if (scan && (wantMin || wantMax)) {
            double lo = Double.NaN;
            double hi = Double.NaN;
            if (ok) {
                int steps = (int) Math.min(t + 1, length);
                lo = Double.POSITIVE_INFINITY;
                hi = Double.NEGATIVE_INFINITY;
                boolean any = false;
                for (int i = 0, at = (int) ((t - steps + 1) & mask); i < steps; i++, at = (at + 1) & mask) {
                    double x = ring[at];
                    if (x == x) {
                        any = true;
                        lo = x < lo ? x : lo;
                        hi = x > hi ? x : hi;
                    }
                }
                if (!any) {
                    lo = Double.NaN;
                    hi = Double.NaN;
                }
            }
            if (wantMin) {
                out[offset + minAt] = (float) lo;
            }
            if (wantMax) {
                out[offset + maxAt] = (float) hi;
            }
            return;
        }
        if (wantMin) {
            out[offset + minAt] = ok && minSize > 0 ? (float) ring[(int) (minQ[minHead] & mask)] : Float.NaN;
        }
        if (wantMax) {
            out[offset + maxAt] = ok && maxSize > 0 ? (float) ring[(int) (maxQ[maxHead] & mask)] : Float.NaN;
        }
    }

    long bytes() {
        return 64 + 8L * (minQ.length + maxQ.length);
    }
}
