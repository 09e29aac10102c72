package dev.anomalyops.core.scoring;

import dev.anomalyops.core.FeatureSchema;
import dev.anomalyops.core.InvalidFeatureValueException;
import java.util.Arrays;
import java.util.Objects;

/**
 * Many rows of one schema in a single row-major {@code float[]} ({@code rows × features}), so a batch is
 * scored without any per-row object. NaN encodes a missing value.
 *
 * <p>Ownership: {@link #wrap} shares the caller's array (no copy); {@link #allocate} owns a new one. A
 * batch is not thread-safe while it is being filled; once filled it may be scored from many threads.
 */
public final class FeatureBatch {
    private final FeatureSchema schema;
    private final float[] values;
    private final int columns;
    private int rows;

    private FeatureBatch(FeatureSchema schema, float[] values, int rows) {
        this.schema = Objects.requireNonNull(schema, "schema");
        this.values = Objects.requireNonNull(values, "values");
        this.columns = schema.size();
        setRows(rows);
    }

    /**
     * Uses {@code values} as the batch's storage, without copying or validating.
     *
     * @param schema the row layout
     * @param values row-major values, at least {@code rows × schema.size()} long
     * @param rows number of rows
     * @return the batch
     * @throws InvalidFeatureValueException when the array is too short for that many rows
     */
    public static FeatureBatch wrap(FeatureSchema schema, float[] values, int rows) {
        return new FeatureBatch(schema, values, rows);
    }

    /**
     * @param schema the row layout
     * @param capacity most rows the batch can hold; it starts with that many rows, all NaN
     * @return a new batch
     */
    public static FeatureBatch allocate(FeatureSchema schema, int capacity) {
        if (capacity < 0) {
            throw new IllegalArgumentException("capacity must be >= 0 but was " + capacity);
        }
        float[] values = new float[Math.multiplyExact(capacity, schema.size())];
        Arrays.fill(values, Float.NaN);
        return new FeatureBatch(schema, values, capacity);
    }

    /** @return the row layout */
    public FeatureSchema schema() {
        return schema;
    }

    /** @return number of rows */
    public int rows() {
        return rows;
    }

    /** @return number of features per row */
    public int columns() {
        return columns;
    }

    /**
     * @return the backing array, shared: row {@code r} starts at {@code r * columns()}; engines read it
     *     directly to avoid copies
     */
    public float[] values() {
        return values;
    }

    /**
     * @param row row index
     * @return where that row starts in {@link #values()}
     */
    public int offset(int row) {
        Objects.checkIndex(row, rows);
        return row * columns;
    }

    /**
     * @param row row index
     * @param column feature index
     * @return the value
     */
    public float get(int row, int column) {
        Objects.checkIndex(column, columns);
        return values[offset(row) + column];
    }

    /**
     * @param row row index
     * @param column feature index
     * @param value the value, NaN for missing
     */
    public void set(int row, int column, float value) {
        Objects.checkIndex(column, columns);
        values[offset(row) + column] = value;
    }

    /**
     * @param row row index
     * @param source exactly {@link #columns()} values
     */
    public void setRow(int row, float[] source) {
        if (source.length != columns) {
            throw new InvalidFeatureValueException("", "Row has " + source.length + " values but the schema has "
                    + columns + " features");
        }
        System.arraycopy(source, 0, values, offset(row), columns);
    }

    /**
     * Changes the number of rows in use, for reusing one batch across calls.
     *
     * @param rows new row count, at most the capacity of the backing array
     */
    public void setRows(int rows) {
        if (rows < 0 || (long) rows * columns > values.length) {
            throw new InvalidFeatureValueException("", "A batch of " + rows + " rows × " + columns + " features needs "
                    + (long) rows * columns + " values but the array holds " + values.length);
        }
        this.rows = rows;
    }

    /**
     * @param row row index
     * @return a copy of that row
     */
    public float[] copyRow(int row) {
        int offset = offset(row);
        return Arrays.copyOfRange(values, offset, offset + columns);
    }

    /**
     * Checks every row against the schema's per-feature policies.
     *
     * @throws InvalidFeatureValueException naming the first offending row and feature
     */
    public void validate() {
        for (int r = 0; r < rows; r++) {
            try {
                schema.validateRow(values, r * columns);
            } catch (InvalidFeatureValueException e) {
                throw new InvalidFeatureValueException(e.feature(), "Row " + r + ": " + e.getMessage());
            }
        }
    }

    @Override
    public String toString() {
        return "FeatureBatch[" + rows + " rows × " + columns + " features]";
    }
}
