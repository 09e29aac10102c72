package dev.anomalyops.benchmarks.features;

import java.util.HashMap;
import java.util.Map;

/**
 * An order-sensitive digest of feature rows per instance (over the exact float bits), combined across instances
 * independently of their interleaving, so an online run (instances interleaved) and a batch run (instances grouped)
 * can be compared bit for bit without keeping the rows.
 */
public final class RowDigest {
    private final Map<String, long[]> perInstance = new HashMap<>();

    /**
     * @param instance the instance
     * @param row the feature buffer
     * @param offset where the row starts
     * @param width the row width
     */
    public void add(String instance, float[] row, int offset, int width) {
        long[] h = perInstance.computeIfAbsent(instance, k -> new long[] {0x9E3779B97F4A7C15L, 0});
        long x = h[0];
        for (int i = 0; i < width; i++) {
            x = (x ^ Float.floatToRawIntBits(row[offset + i])) * 0x100000001B3L;
            x ^= x >>> 29;
        }
        h[0] = x;
        h[1]++;
    }

    /** @return a digest of all instances' digests, independent of instance order */
    public long value() {
        long total = 0;
        for (Map.Entry<String, long[]> e : perInstance.entrySet()) {
            long v = e.getKey().hashCode() * 0xC2B2AE3D27D4EB4FL ^ e.getValue()[0] ^ e.getValue()[1] * 31;
            total += v * 0x165667B19E3779F9L;
        }
        return total;
    }

    /** @return rows added */
    public long rows() {
        long n = 0;
        for (long[] h : perInstance.values()) {
            n += h[1];
        }
        return n;
    }
}
