package dev.anomalyops.features.parquet;

import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The columns of one Parquet row group, decoded into arrays. Missing values are {@code null} strings, NaN doubles,
 * and {@link Long#MIN_VALUE} longs.
 */
public final class RowGroup {
    private final int rows;
    private final Map<String, Object> columns;

    RowGroup(int rows, Map<String, Object> columns) {
        this.rows = rows;
        this.columns = columns;
    }

    /** @return the number of rows */
    public int rows() {
        return rows;
    }

    /** @param name a column @return whether this row group has it */
    public boolean has(String name) {
        return columns.containsKey(name);
    }

    /** @param name a string column @return its values, or {@code null} when the file lacks the column */
    public String @Nullable [] strings(String name) {
        Object v = columns.get(name);
        return v instanceof String[] s ? s : null;
    }

    /** @param name an integer or timestamp column @return its values, or {@code null} when absent or not integral */
    public long @Nullable [] longs(String name) {
        Object v = columns.get(name);
        return v instanceof long[] l ? l : null;
    }

    /**
     * @param name a numeric column
     * @return its values as doubles (integers converted), or {@code null} when the file lacks the column or it is
     *         not numeric
     */
    public double @Nullable [] doubles(String name) {
        Object v = columns.get(name);
        if (v instanceof double[] d) {
            return d;
        }
        if (v instanceof long[] l) {
            double[] d = new double[l.length];
            for (int i = 0; i < l.length; i++) {
                d[i] = l[i] == Long.MIN_VALUE ? Double.NaN : l[i];
            }
            return d;
        }
        return null;
    }
}
