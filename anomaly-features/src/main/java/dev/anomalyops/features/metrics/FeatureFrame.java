package dev.anomalyops.features.metrics;

import dev.anomalyops.core.FeatureSchema;
import java.util.Arrays;

/**
 * Feature rows in memory: instance, timestamp and a row-major float32 block following a {@link FeatureSchema}.
 * Filled by {@link BatchFeatures#compute}; not thread-safe while it is filled.
 */
public final class FeatureFrame implements FeatureSink {
    private final FeatureSchema schema;
    private String[] instances = new String[1024];
    private long[] timestamps = new long[1024];
    private float[] values;
    private int rows;

    /** @param schema the row layout */
    public FeatureFrame(FeatureSchema schema) {
        this.schema = schema;
        this.values = new float[1024 * Math.max(1, schema.size())];
    }

    @Override
    public void accept(String instance, long timestamp, float[] row, int offset) {
        if (rows == instances.length) {
            instances = Arrays.copyOf(instances, rows * 2);
            timestamps = Arrays.copyOf(timestamps, rows * 2);
            values = Arrays.copyOf(values, rows * 2 * Math.max(1, schema.size()));
        }
        instances[rows] = instance;
        timestamps[rows] = timestamp;
        System.arraycopy(row, offset, values, rows * schema.size(), schema.size());
        rows++;
    }

    /** @return the row layout */
    public FeatureSchema schema() {
        return schema;
    }

    /** @return the number of rows */
    public int rows() {
        return rows;
    }

    /** @param row a row index @return its instance */
    public String instance(int row) {
        return instances[row];
    }

    /** @param row a row index @return its timestamp */
    public long timestamp(int row) {
        return timestamps[row];
    }

    /** @param row a row index @param feature a feature index @return the value */
    public float value(int row, int feature) {
        return values[row * schema.size() + feature];
    }

    /** @param row a row index @return a copy of that row */
    public float[] row(int row) {
        return Arrays.copyOfRange(values, row * schema.size(), (row + 1) * schema.size());
    }
}
