package dev.anomalyops.train.internal;

import dev.anomalyops.core.FeatureSchema;
import java.util.ArrayList;
import java.util.List;

/** Counts the rows a fit leaves out and keeps the reasons of the first few. Not thread-safe. */
public final class Quarantine {
    private static final int SAMPLES = 20;
    private final FeatureSchema schema;
    private final List<String> samples = new ArrayList<>();
    private long count;

    /** @param schema names features in the reasons */
    public Quarantine(FeatureSchema schema) {
        this.schema = schema;
    }

    /**
     * @param values row-major values
     * @param offset where the row starts
     * @param width values per row
     * @return whether every value is finite
     */
    public static boolean allFinite(float[] values, int offset, int width) {
        for (int i = offset; i < offset + width; i++) {
            float v = values[i];
            if (v != v || v == Float.POSITIVE_INFINITY || v == Float.NEGATIVE_INFINITY) {
                return false;
            }
        }
        return true;
    }

    /**
     * Checks one row and records it when it has a non-finite value.
     *
     * @param values row-major values
     * @param offset where the row starts
     * @param row the row's index in the source
     * @return whether the row may be used
     */
    public boolean admit(float[] values, int offset, long row) {
        int width = schema.size();
        if (allFinite(values, offset, width)) {
            return true;
        }
        count++;
        if (samples.size() < SAMPLES) {
            samples.add("row " + row + ": " + reason(values, offset, width));
        }
        return false;
    }

    private String reason(float[] values, int offset, int width) {
        for (int i = 0; i < width; i++) {
            float v = values[offset + i];
            if (Float.isNaN(v)) {
                return "feature \"" + schema.feature(i).name() + "\" is missing (NaN)";
            }
            if (Float.isInfinite(v)) {
                return "feature \"" + schema.feature(i).name() + "\" is " + (v > 0 ? "+Infinity" : "-Infinity");
            }
        }
        return "non-finite value";
    }

    /** @return rows left out */
    public long count() {
        return count;
    }

    /** @return the reasons of the first rows left out */
    public List<String> samples() {
        return List.copyOf(samples);
    }
}
