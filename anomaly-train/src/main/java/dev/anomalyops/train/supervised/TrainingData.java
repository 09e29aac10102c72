package dev.anomalyops.train.supervised;

import dev.anomalyops.core.FeatureSchema;
import dev.anomalyops.core.scoring.FeatureBatch;
import dev.anomalyops.train.label.TrainingSet;
import java.util.Arrays;
import java.util.Objects;

/**
 * Labelled rows for a supervised trainer: features (row-major float32, laid out by a {@link FeatureSchema}), one
 * 0/1 label and one non-negative weight per row. Rows are kept in the order given, which the time-ordered
 * cross-validation modes take to be time order. A final class rather than a record because it owns arrays;
 * accessors return the arrays themselves (no copy) for speed, and callers must not modify them.
 */
public final class TrainingData {
    private final FeatureBatch rows;
    private final int[] labels;
    private final float[] weights;

    private TrainingData(FeatureBatch rows, int[] labels, float[] weights) {
        this.rows = rows;
        this.labels = labels;
        this.weights = weights;
    }

    /**
     * @param rows the feature rows (owned by the result from now on)
     * @param labels one label per row, 0 or 1
     * @param weights one weight per row, finite and {@code >= 0}, or null for weight 1 everywhere
     * @return the data
     * @throws IllegalArgumentException when lengths disagree or a label or weight is invalid
     */
    public static TrainingData of(FeatureBatch rows, int[] labels, float[] weights) {
        Objects.requireNonNull(rows, "rows");
        Objects.requireNonNull(labels, "labels");
        if (labels.length != rows.rows()) {
            throw new IllegalArgumentException("There are " + rows.rows() + " rows but " + labels.length + " labels");
        }
        float[] w = weights;
        if (w == null) {
            w = new float[labels.length];
            Arrays.fill(w, 1f);
        } else if (w.length != labels.length) {
            throw new IllegalArgumentException("There are " + rows.rows() + " rows but " + w.length + " weights");
        }
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] != 0 && labels[i] != 1) {
                throw new IllegalArgumentException("Label " + i + " is " + labels[i] + " but labels must be 0 or 1");
            }
            if (!(w[i] >= 0) || Float.isInfinite(w[i])) {
                throw new IllegalArgumentException("Weight " + i + " is " + w[i] + " but weights must be finite and >= 0");
            }
        }
        FeatureBatch exact = rows.values().length == rows.rows() * rows.columns() ? rows
                : FeatureBatch.wrap(rows.schema(), Arrays.copyOf(rows.values(), rows.rows() * rows.columns()), rows.rows());
        return new TrainingData(exact, labels, w);
    }

    /**
     * @param rows the feature rows
     * @param labels one label per row, 0 or 1
     * @return the data with weight 1 on every row
     */
    public static TrainingData of(FeatureBatch rows, int[] labels) {
        return of(rows, labels, null);
    }

    /**
     * @param set a training set from the labelling workflow (human and pseudo-labels with their weights)
     * @return its rows, labels and weights, in the set's row order
     */
    public static TrainingData from(TrainingSet set) {
        return of(set.rows(), set.labels(), set.weights());
    }

    /** @return the feature rows (not a copy: do not modify) */
    public FeatureBatch rows() {
        return rows;
    }

    /** @return the schema of the rows */
    public FeatureSchema schema() {
        return rows.schema();
    }

    /** @return one label per row (not a copy: do not modify) */
    public int[] labels() {
        return labels;
    }

    /** @return one weight per row (not a copy: do not modify) */
    public float[] weights() {
        return weights;
    }

    /** @return number of rows */
    public int size() {
        return labels.length;
    }

    /** @return rows labelled 1 */
    public int positives() {
        int n = 0;
        for (int label : labels) {
            n += label;
        }
        return n;
    }

    /** @return the sum of the weights of the rows labelled 1 */
    public double positiveWeight() {
        double sum = 0;
        for (int i = 0; i < labels.length; i++) {
            sum += labels[i] == 1 ? weights[i] : 0;
        }
        return sum;
    }

    /** @return the sum of the weights of the rows labelled 0 */
    public double negativeWeight() {
        double sum = 0;
        for (int i = 0; i < labels.length; i++) {
            sum += labels[i] == 0 ? weights[i] : 0;
        }
        return sum;
    }

    /**
     * @param indices rows to keep, in the order wanted
     * @return a copy holding those rows
     */
    public TrainingData subset(int[] indices) {
        int d = rows.columns();
        float[] values = new float[indices.length * d];
        int[] l = new int[indices.length];
        float[] w = new float[indices.length];
        float[] source = rows.values();
        for (int i = 0; i < indices.length; i++) {
            int r = indices[i];
            System.arraycopy(source, r * d, values, i * d, d);
            l[i] = labels[r];
            w[i] = weights[r];
        }
        return new TrainingData(FeatureBatch.wrap(rows.schema(), values, indices.length), l, w);
    }

    /**
     * @param from first row, inclusive
     * @param to last row, exclusive
     * @return a copy of that contiguous range
     */
    public TrainingData range(int from, int to) {
        if (from < 0 || to > size() || from > to) {
            throw new IndexOutOfBoundsException("Range [" + from + ", " + to + ") is outside [0, " + size() + ")");
        }
        int[] indices = new int[to - from];
        for (int i = 0; i < indices.length; i++) {
            indices[i] = from + i;
        }
        return subset(indices);
    }

    @Override
    public String toString() {
        return "TrainingData[" + size() + " rows x " + rows.columns() + " features, " + positives() + " positive]";
    }
}
