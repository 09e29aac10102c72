package dev.anomalyops.features.metrics;


/**
 * The incremental state of one instance: its last timestamp, step counter and, per metric, a history ring and
 * the rolling windows over it. Memory is fixed by the spec (the longest window or lag), not by the data. Not
 * thread-safe.
 */
final class InstanceState {
    private final Plan plan;
    private final double[][] rings;
    private final double[] lastPresent;
    private final RollingWindow[][] windows;
    private final int mask;
    private long t;
    private long lastTimestamp;
    private boolean started;

    /** The instance key, set by the owner. */
    String key = "";
    /** When the instance was last updated, on the owner's clock. */
    long lastSeen;
    /** The owner's update counter at the last update (least-recently-updated order). */
    long sequence;

    InstanceState(Plan plan) {
        this.plan = plan;
        int capacity = Integer.highestOneBit(plan.history * 2 + 1);
        this.mask = capacity - 1;
        this.rings = new double[plan.metrics.length][capacity];
        this.lastPresent = new double[plan.metrics.length];
        this.windows = new RollingWindow[plan.metrics.length][];
        for (int m = 0; m < plan.metrics.length; m++) {
            Plan.WindowPlan[] wp = plan.metrics[m].windows();
            windows[m] = new RollingWindow[wp.length];
            for (int w = 0; w < wp.length; w++) {
                Plan.WindowPlan p = wp[w];
                windows[m][w] = new RollingWindow(p.length(), p.propagate(), p.minPeriods(), p.meanAt(), p.stdAt(),
                        p.minAt(), p.maxAt());
            }
        }
        reset();
    }

    /** Forgets all history, as if the instance were new. */
    public void reset() {
        t = 0;
        started = false;
        lastTimestamp = Long.MIN_VALUE;
        java.util.Arrays.fill(lastPresent, Double.NaN);
        for (RollingWindow[] ws : windows) {
            for (RollingWindow w : ws) {
                w.reset();
            }
        }
    }

    /**
     * Checks one sample's timestamp against the instance's order and the duplicate policy without changing
     * anything.
     *
     * @param timestamp epoch milliseconds
     * @return {@link Outcome#ACCEPTED}, {@link Outcome#DUPLICATE} or {@link Outcome#LATE}
     */
    public Outcome check(long timestamp) {
        if (!started || timestamp > lastTimestamp) {
            return Outcome.ACCEPTED;
        }
        if (timestamp == lastTimestamp) {
            return plan.rejectDuplicates ? Outcome.DUPLICATE : Outcome.ACCEPTED;
        }
        return Outcome.LATE;
    }

    /**
     * Takes one sample: applies the order, duplicate and gap policies, advances every metric one step and, when
     * accepted, writes the feature row.
     *
     * @param timestamp epoch milliseconds
     * @param values one value per spec metric, in spec order (NaN or infinite: missing)
     * @param valuesOffset where this sample's values start
     * @param out the row buffer
     * @param offset where the row starts
     * @return the outcome; rejected samples change no state and write nothing
     */
    public Outcome update(long timestamp, double[] values, int valuesOffset, float[] out, int offset) {
        Outcome outcome = check(timestamp);
        if (outcome != Outcome.ACCEPTED) {
            return outcome;
        }
        if (started) {
            long gapMs = timestamp - lastTimestamp;
            if (gapMs > plan.maxGapMs && plan.gap != dev.anomalyops.features.metrics.GapPolicy.IGNORE) {
                reset();
            } else if (plan.gap == dev.anomalyops.features.metrics.GapPolicy.FILL) {
                long steps = (gapMs + plan.intervalMs / 2) / plan.intervalMs;
                // More missing steps than the history holds cannot change any window further.
                long missingSteps = Math.min(steps - 1, plan.history + 1L);
                for (long s = 0; s < missingSteps; s++) {
                    advanceMissing();
                }
            }
        }
        started = true;
        lastTimestamp = timestamp;
        Plan.MetricPlan[] mps = plan.metrics;
        for (int m = 0; m < mps.length; m++) {
            Plan.MetricPlan mp = mps[m];
            double v = values[valuesOffset + m];
            double x = push(m, mp, v);
            double[] ring = rings[m];
            if (mp.rawAt() >= 0) {
                out[offset + mp.rawAt()] = (float) x;
            }
            RollingWindow[] ws = windows[m];
            for (RollingWindow w : ws) {
                w.step(ring, mask, t, x);
                w.emit(ring, mask, t, out, offset);
            }
            int[] lags = mp.lags();
            int[] lagAt = mp.lagAt();
            for (int i = 0; i < lags.length; i++) {
                out[offset + lagAt[i]] = (float) back(ring, lags[i]);
            }
            int[] diffs = mp.diffs();
            int[] diffAt = mp.diffAt();
            for (int i = 0; i < diffs.length; i++) {
                out[offset + diffAt[i]] = (float) (x - back(ring, diffs[i]));
            }
            int[] pcts = mp.pcts();
            int[] pctAt = mp.pctAt();
            for (int i = 0; i < pcts.length; i++) {
                double before = back(ring, pcts[i]);
                out[offset + pctAt[i]] = before == 0.0 ? Float.NaN : (float) ((x - before) / before);
            }
        }
        t++;
        if (plan.hourAt >= 0 || plan.dayAt >= 0 || plan.weekendAt >= 0) {
            long local = plan.localMillis(timestamp);
            long days = Math.floorDiv(local, 86_400_000L);
            if (plan.hourAt >= 0) {
                out[offset + plan.hourAt] = (float) ((local - days * 86_400_000L) / 3_600_000L);
            }
            int dayOfWeek = (int) Math.floorMod(days + 3, 7L) + 1;
            if (plan.dayAt >= 0) {
                out[offset + plan.dayAt] = dayOfWeek;
            }
            if (plan.weekendAt >= 0) {
                out[offset + plan.weekendAt] = dayOfWeek >= 6 ? 1f : 0f;
            }
        }
        return Outcome.ACCEPTED;
    }

    private double back(double[] ring, int k) {
        return t >= k ? ring[(int) ((t - k) & mask)] : Double.NaN;
    }

    /** Writes the value for step {@code t} into the ring after the fill policy; returns it (NaN: missing). */
    private double push(int m, Plan.MetricPlan mp, double v) {
        double x;
        if (v - v == 0.0) {
            x = v;
            lastPresent[m] = v;
        } else {
            x = mp.fillPrevious() ? lastPresent[m] : Double.NaN;
        }
        rings[m][(int) (t & mask)] = x;
        return x;
    }

    private void advanceMissing() {
        Plan.MetricPlan[] mps = plan.metrics;
        for (int m = 0; m < mps.length; m++) {
            double x = push(m, mps[m], Double.NaN);
            for (RollingWindow w : windows[m]) {
                w.step(rings[m], mask, t, x);
            }
        }
        t++;
    }

    /** @return approximate bytes held by this state */
    public long bytes() {
        long total = 96;
        for (int m = 0; m < rings.length; m++) {
            total += 16 + 8L * rings[m].length;
            for (RollingWindow w : windows[m]) {
                total += w.bytes();
            }
        }
        return total;
    }
}
