package dev.anomalyops.core.model;

import java.util.Arrays;
import java.util.Objects;

/**
 * A per-feature affine transform applied before the model: {@code x' = (x - center[i]) / scale[i]},
 * computed in double precision and rounded to float, the way scikit-learn's {@code StandardScaler}
 * ({@code mean_}, {@code scale_}) and {@code RobustScaler} ({@code center_}, {@code scale_}) transform a
 * float32 input. NaN stays NaN, so missing values still take the model's missing branch. Immutable.
 */
public final class Scaler {
    private final String kind;
    private final double[] center;
    private final double[] scale;

    private Scaler(String kind, double[] center, double[] scale) {
        Objects.requireNonNull(kind, "kind");
        if (center.length != scale.length) {
            throw new IllegalArgumentException("center has " + center.length + " values but scale has " + scale.length);
        }
        for (int i = 0; i < scale.length; i++) {
            if (!Double.isFinite(center[i]) || !Double.isFinite(scale[i]) || scale[i] == 0.0) {
                throw new IllegalArgumentException("Scaler entry " + i + " must have a finite center and a finite,"
                        + " non-zero scale but has center " + center[i] + " and scale " + scale[i]);
            }
        }
        this.kind = kind;
        this.center = center.clone();
        this.scale = scale.clone();
    }

    /**
     * @param kind a label for humans, e.g. {@code standard} or {@code robust}
     * @param center subtracted first, one per feature
     * @param scale divided by next, one per feature, finite and non-zero
     * @return the scaler
     */
    public static Scaler of(String kind, double[] center, double[] scale) {
        return new Scaler(kind, center, scale);
    }

    /** @return the label given at creation */
    public String kind() {
        return kind;
    }

    /** @return the number of features it transforms */
    public int size() {
        return center.length;
    }

    /** @return a copy of the centers */
    public double[] center() {
        return center.clone();
    }

    /** @return a copy of the scales */
    public double[] scale() {
        return scale.clone();
    }

    /**
     * @param feature position in the row
     * @param value raw value
     * @return the transformed value
     */
    public float apply(int feature, float value) {
        return (float) ((value - center[feature]) / scale[feature]);
    }

    /**
     * Transforms {@code count} values starting at {@code from} into {@code into}, without allocating.
     *
     * @param from source row
     * @param fromOffset where the source row starts
     * @param into destination, may be the same array
     * @param intoOffset where the destination row starts
     */
    public void apply(float[] from, int fromOffset, float[] into, int intoOffset) {
        for (int i = 0; i < center.length; i++) {
            into[intoOffset + i] = (float) ((from[fromOffset + i] - center[i]) / scale[i]);
        }
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Scaler that && kind.equals(that.kind) && Arrays.equals(center, that.center)
                && Arrays.equals(scale, that.scale);
    }

    @Override
    public int hashCode() {
        return Objects.hash(kind, Arrays.hashCode(center), Arrays.hashCode(scale));
    }

    @Override
    public String toString() {
        return "Scaler[" + kind + ", " + center.length + " features]";
    }
}
