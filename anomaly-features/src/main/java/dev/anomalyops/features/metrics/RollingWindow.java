package dev.anomalyops.features.metrics;

/**
 * One rolling window over one metric of one instance: mean and standard deviation from block moments, min/max by
 * scanning (short windows) or monotonic deques over the metric's shared history ring. Every update is O(1) (amortised).
 *
 * <p>The moments are a pure function of the window's values and of where the window falls on a grid of blocks of
 * {@code length} steps (step 0 is the first step after a reset), computed by a fixed sequence of double operations,
 * so that any execution that follows the same sequence gets the same bits (the Spark execution in anomaly-spark does,
 * with running window frames). A window ending at step {@code t} of block {@code B} is the <em>prefix</em> of block
 * {@code B} (its steps up to {@code t}, accumulated left to right) plus a <em>suffix</em> of block {@code B - 1} (its
 * steps after {@code t - length}, accumulated right to left once, when block {@code B} starts). Each part sums
 * {@code x - h} and {@code (x - h)^2} around its own shift {@code h}: the first present value of the prefix, the last
 * present value of the suffix. Because the shift is one of the part's own values, the part's squared deviation from
 * its mean is at least {@code range^2 / 2} while the shift is within {@code range} of the mean, so
 * {@code S2 - S1^2 / n} keeps a relative error of about {@code n} ulps whatever the offset of the data (no
 * catastrophic cancellation, no periodic re-anchoring), and a constant part gives exactly 0. The two parts are
 * combined with Chan et al.'s pairwise update, a sum of non-negative terms.
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

    // Present values in the window.
    private int n;
    // Block moments (see the class comment). Prefix of the current block: count, shift, sums of x - h and (x - h)^2.
    private int prefixN;
    private double prefixShift;
    private double prefixS1;
    private double prefixS2;
    // Suffixes of the previous block, by position in it (suffix j covers positions j..length-1), around suffixShift.
    private final int[] suffixN;
    private final double[] suffixS1;
    private final double[] suffixS2;
    private double suffixShift;
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
        boolean moments = meanAt >= 0 || stdAt >= 0;
        int suffixes = moments ? length : 0;
        this.suffixN = new int[suffixes];
        this.suffixS1 = new double[suffixes];
        this.suffixS2 = new double[suffixes];
    }

    void reset() {
        n = 0;
        prefixN = 0;
        prefixS1 = 0;
        prefixS2 = 0;
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
            n++;
        }
        if (outOk) {
            n--;
        } else if (hasOut) {
            missing--;
        }
        if (!inOk) {
            missing++;
        }
        if (suffixN.length > 0) {
            int position = (int) (t % length);
            if (position == 0) {
                if (t > 0) {
                    suffixes(ring, mask, t - length);
                }
                prefixN = 0;
                prefixS1 = 0;
                prefixS2 = 0;
            }
            if (inOk) {
                if (prefixN == 0) {
                    prefixShift = in;
                }
                double y = in - prefixShift;
                prefixS1 += y;
                prefixS2 += y * y;
                prefixN++;
            }
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

    /** The suffix moments of the block that starts at step {@code first}, accumulated from its end. */
    private void suffixes(double[] ring, int mask, long first) {
        int count = 0;
        double h = 0;
        double s1 = 0;
        double s2 = 0;
        for (int j = length - 1; j >= 0; j--) {
            double x = ring[(int) ((first + j) & mask)];
            if (x == x) {
                if (count == 0) {
                    h = x;
                }
                double y = x - h;
                s1 += y;
                s2 += y * y;
                count++;
            }
            suffixN[j] = count;
            suffixS1[j] = s1;
            suffixS2[j] = s2;
        }
        suffixShift = h;
    }

    /** Writes the requested statistics for step {@code t} into {@code out} at {@code offset}. */
    void emit(double[] ring, int mask, long t, float[] out, int offset) {
        boolean ok = propagate ? (t + 1 >= length && missing == 0) : n >= minPeriods;
        if (meanAt >= 0 || stdAt >= 0) {
            double mean = Double.NaN;
            double std = Double.NaN;
            if (ok && n > 0) {
                int position = (int) (t % length);
                int j = position + 1;
                int na = t >= length && j < length ? suffixN[j] : 0;
                // The same operations, in the same order, as SparkFeatures' block combination.
                if (na == 0) {
                    double mb = prefixS1 / prefixN;
                    mean = prefixShift + mb;
                    std = std(prefixS2 - prefixS1 * mb, prefixN);
                } else if (prefixN == 0) {
                    double ma = suffixS1[j] / na;
                    mean = suffixShift + ma;
                    std = std(suffixS2[j] - suffixS1[j] * ma, na);
                } else {
                    double ma = suffixS1[j] / na;
                    double mb = prefixS1 / prefixN;
                    double m2a = nonNegative(suffixS2[j] - suffixS1[j] * ma);
                    double m2b = nonNegative(prefixS2 - prefixS1 * mb);
                    double delta = (prefixShift - suffixShift) + (mb - ma);
                    double total = (double) na + (double) prefixN;
                    mean = (suffixShift + ma) + delta * (prefixN / total);
                    std = std(m2a + m2b + delta * delta * ((double) na * (double) prefixN / total), na + prefixN);
                }
            }
            if (meanAt >= 0) {
                out[offset + meanAt] = (float) mean;
            }
            if (stdAt >= 0) {
                out[offset + stdAt] = (float) std;
            }
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

    /** Sample standard deviation from a sum of squared deviations; NaN below two values. */
    private static double std(double m2, int count) {
        return count >= 2 ? Math.sqrt(nonNegative(m2) / (count - 1)) : Double.NaN;
    }

    private static double nonNegative(double v) {
        return v < 0 ? 0.0 : v;
    }

    long bytes() {
        return 64 + 8L * (minQ.length + maxQ.length) + 20L * suffixN.length;
    }
}
