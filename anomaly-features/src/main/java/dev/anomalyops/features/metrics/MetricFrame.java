package dev.anomalyops.features.metrics;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * A block of metric samples in memory: instance, timestamp (epoch milliseconds) and one double per metric, rows
 * in input order, values row-major. Mutable and growable, for readers that fill it chunk by chunk; not
 * thread-safe.
 */
public final class MetricFrame {
    private final List<String> metrics;
    private String[] instances;
    private long[] timestamps;
    private double[] values;
    private int rows;

    /**
     * @param metrics the metric names, in value order
     * @param capacity initial row capacity
     */
    public MetricFrame(List<String> metrics, int capacity) {
        this.metrics = List.copyOf(metrics);
        int c = Math.max(1, capacity);
        this.instances = new String[c];
        this.timestamps = new long[c];
        this.values = new double[c * Math.max(1, this.metrics.size())];
    }

    /** @return the metric names, in value order */
    public List<String> metrics() {
        return metrics;
    }

    /** @return the number of rows */
    public int rows() {
        return rows;
    }

    /** Removes every row, keeping the capacity. */
    public void clear() {
        rows = 0;
    }

    /**
     * Appends a row.
     *
     * @param instance the instance key
     * @param timestamp epoch milliseconds
     * @param rowValues one value per metric (NaN: missing)
     */
    public void add(String instance, long timestamp, double... rowValues) {
        Objects.requireNonNull(instance, "instance");
        if (rowValues.length != metrics.size()) {
            throw new IllegalArgumentException("Expected " + metrics.size() + " values but got " + rowValues.length);
        }
        int at = appendRow(instance, timestamp);
        System.arraycopy(rowValues, 0, values, at * metrics.size(), rowValues.length);
    }

    /**
     * Appends a row whose values the caller then sets with {@link #set}.
     *
     * @param instance the instance key
     * @param timestamp epoch milliseconds
     * @return the new row's index; its values start as NaN
     */
    public int appendRow(String instance, long timestamp) {
        if (rows == instances.length) {
            int c = rows * 2;
            instances = Arrays.copyOf(instances, c);
            timestamps = Arrays.copyOf(timestamps, c);
            values = Arrays.copyOf(values, c * Math.max(1, metrics.size()));
        }
        instances[rows] = instance;
        timestamps[rows] = timestamp;
        Arrays.fill(values, rows * metrics.size(), (rows + 1) * metrics.size(), Double.NaN);
        return rows++;
    }

    /**
     * @param row a row index
     * @param metric a metric index
     * @param value the value
     */
    public void set(int row, int metric, double value) {
        values[row * metrics.size() + metric] = value;
    }

    /** @param row a row index @return its instance */
    public String instance(int row) {
        return instances[row];
    }

    /** @param row a row index @return its timestamp, epoch milliseconds */
    public long timestamp(int row) {
        return timestamps[row];
    }

    /** @param row a row index @param metric a metric index @return the value */
    public double value(int row, int metric) {
        return values[row * metrics.size() + metric];
    }

    /** @return the row-major value array (owned by this frame; valid up to {@code rows() * metrics().size()}) */
    public double[] valuesArray() {
        return values;
    }
}
