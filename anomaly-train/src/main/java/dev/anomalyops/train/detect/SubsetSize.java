package dev.anomalyops.train.detect;

import java.util.Objects;

/**
 * A number of rows or features drawn for each tree, given the way scikit-learn takes {@code max_samples} and
 * {@code max_features}: an absolute count, a fraction of the total, or (rows only) {@code auto},
 * meaning {@code min(256, n)}.
 *
 * @param kind how {@code value} is read
 * @param value the count or the fraction; ignored for {@link Kind#AUTO}
 */
public record SubsetSize(Kind kind, double value) {
    /** How a {@link SubsetSize} is given. */
    public enum Kind {
        /** {@code min(256, n)}. */
        AUTO,
        /** An absolute count, capped at the total. */
        COUNT,
        /** A fraction of the total in (0, 1]: {@code floor(fraction × total)}, at least 1. */
        FRACTION
    }

    /** Checks the value against the kind. */
    public SubsetSize {
        Objects.requireNonNull(kind, "kind");
        if (kind == Kind.COUNT && !(value >= 1 && value == Math.rint(value))) {
            throw new IllegalArgumentException("a count must be a whole number >= 1 but was " + value);
        }
        if (kind == Kind.FRACTION && !(value > 0 && value <= 1)) {
            throw new IllegalArgumentException("a fraction must be in (0, 1] but was " + value);
        }
    }

    /** @return {@code min(256, n)} */
    public static SubsetSize auto() {
        return new SubsetSize(Kind.AUTO, 0);
    }

    /**
     * @param count an absolute count, at least 1
     * @return the size
     */
    public static SubsetSize count(int count) {
        return new SubsetSize(Kind.COUNT, count);
    }

    /**
     * @param fraction a share of the total in (0, 1]
     * @return the size
     */
    public static SubsetSize fraction(double fraction) {
        return new SubsetSize(Kind.FRACTION, fraction);
    }

    /**
     * @param total the number available
     * @return how many to draw, in {@code [1, total]} (0 only when {@code total} is 0)
     */
    public int resolve(long total) {
        long n = switch (kind) {
            case AUTO -> Math.min(256, total);
            case COUNT -> Math.min((long) value, total);
            case FRACTION -> Math.max(1, (long) Math.floor(value * total));
        };
        return (int) Math.min(n, total);
    }

    @Override
    public String toString() {
        return switch (kind) {
            case AUTO -> "auto";
            case COUNT -> Long.toString((long) value);
            case FRACTION -> Double.toString(value);
        };
    }
}
