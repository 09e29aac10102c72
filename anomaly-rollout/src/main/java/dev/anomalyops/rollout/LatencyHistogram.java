package dev.anomalyops.rollout;

import java.util.Arrays;

/**
 * Latencies in logarithmic buckets (5% wide, from 1 µs to about 10 minutes), so percentiles cost constant
 * memory and are accurate to about 5%. Not thread-safe: the canary controller guards it.
 */
final class LatencyHistogram {
    static final int BUCKETS = 420;
    private static final double BASE_NANOS = 1_000.0;
    private static final double LOG_GROWTH = Math.log(1.05);

    private final long[] counts;
    private long total;

    LatencyHistogram() {
        this(new long[BUCKETS]);
    }

    LatencyHistogram(long[] counts) {
        if (counts.length != BUCKETS) {
            throw new IllegalArgumentException("a latency histogram has " + BUCKETS + " buckets, not " + counts.length);
        }
        this.counts = counts.clone();
        this.total = Arrays.stream(counts).sum();
    }

    void record(long nanos) {
        int bucket = nanos <= BASE_NANOS ? 0 : (int) Math.min(BUCKETS - 1, Math.ceil(Math.log(nanos / BASE_NANOS) / LOG_GROWTH));
        counts[bucket]++;
        total++;
    }

    long total() {
        return total;
    }

    /** @return the upper bound of the bucket holding the given quantile, in milliseconds; NaN when empty */
    double quantileMillis(double quantile) {
        if (total == 0) {
            return Double.NaN;
        }
        long rank = (long) Math.ceil(quantile * total);
        long seen = 0;
        for (int b = 0; b < BUCKETS; b++) {
            seen += counts[b];
            if (seen >= rank) {
                return BASE_NANOS * Math.exp(b * LOG_GROWTH) / 1e6;
            }
        }
        return BASE_NANOS * Math.exp((BUCKETS - 1) * LOG_GROWTH) / 1e6;
    }

    long[] counts() {
        return counts.clone();
    }
}
