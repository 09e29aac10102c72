package dev.anomalyops.features.logs.windows;

import java.time.Instant;
import java.util.Arrays;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The features of one key (instance or session) over one window, in the order of the extractor's schema.
 * A final class rather than a record because it owns an array. Immutable.
 */
public final class LogFeatureRow {
    private final String key;
    private final @Nullable Instant start;
    private final @Nullable Instant end;
    private final float[] values;

    LogFeatureRow(String key, @Nullable Instant start, @Nullable Instant end, float[] values) {
        this.key = Objects.requireNonNull(key, "key");
        this.start = start;
        this.end = end;
        this.values = values;
    }

    /** @return the instance, session id or {@code ""} for a global window */
    public String key() {
        return key;
    }

    /** @return the window start (inclusive); for a session, its first timestamp; null when the events had none */
    public @Nullable Instant start() {
        return start;
    }

    /** @return the window end (exclusive); for a session, its last timestamp; null when the events had none */
    public @Nullable Instant end() {
        return end;
    }

    /** @return the number of values */
    public int size() {
        return values.length;
    }

    /**
     * @param index a feature position
     * @return its value (NaN when undefined, e.g. a rate without timestamps)
     */
    public float value(int index) {
        return values[index];
    }

    /** @return a copy of the values */
    public float[] values() {
        return values.clone();
    }

    /**
     * @param target where to copy the values
     * @param offset at which position
     */
    public void copyInto(float[] target, int offset) {
        System.arraycopy(values, 0, target, offset, values.length);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof LogFeatureRow that && key.equals(that.key) && Objects.equals(start, that.start)
                && Objects.equals(end, that.end) && Arrays.equals(values, that.values);
    }

    @Override
    public int hashCode() {
        return Objects.hash(key, start, end) * 31 + Arrays.hashCode(values);
    }

    @Override
    public String toString() {
        return "LogFeatureRow[" + key + ", " + start + " .. " + end + ", " + Arrays.toString(values) + "]";
    }
}
