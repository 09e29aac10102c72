package dev.anomalyops.train.supervised;

/**
 * How a trainer compensates for anomalies being rare: not at all, by XGBoost's {@code scale_pos_weight}
 * computed from the data ({@code balanced}: summed negative weight ÷ summed positive weight, so both classes
 * weigh the same), or by a fixed {@code scale_pos_weight}. Sample weights (human versus pseudo-labels) apply
 * in every case; this multiplies the positive rows' weights on top.
 *
 * @param kind which rule
 * @param scalePosWeight the fixed factor for {@link Kind#FIXED}, otherwise 1
 */
public record ClassWeighting(Kind kind, double scalePosWeight) {
    /** The rule. */
    public enum Kind {
        /** Positive rows keep their weights. */
        NONE,
        /** Positive rows are weighted so that both classes carry the same total weight. */
        BALANCED,
        /** Positive rows' weights are multiplied by a fixed factor. */
        FIXED
    }

    /** Validates the factor. */
    public ClassWeighting {
        if (!(scalePosWeight > 0) || Double.isInfinite(scalePosWeight)) {
            throw new IllegalArgumentException("scalePosWeight must be finite and > 0 but was " + scalePosWeight);
        }
    }

    /** @return no compensation */
    public static ClassWeighting none() {
        return new ClassWeighting(Kind.NONE, 1);
    }

    /** @return both classes carry the same total weight */
    public static ClassWeighting balanced() {
        return new ClassWeighting(Kind.BALANCED, 1);
    }

    /**
     * @param factor multiplies the positive rows' weights
     * @return a fixed {@code scale_pos_weight}
     */
    public static ClassWeighting fixed(double factor) {
        return new ClassWeighting(Kind.FIXED, factor);
    }

    /**
     * @param data the training rows
     * @return the {@code scale_pos_weight} to use on them (1 when there are no positive rows)
     */
    public double factorFor(TrainingData data) {
        return switch (kind) {
            case NONE -> 1.0;
            case FIXED -> scalePosWeight;
            case BALANCED -> {
                double positive = data.positiveWeight();
                double negative = data.negativeWeight();
                yield positive > 0 && negative > 0 ? negative / positive : 1.0;
            }
        };
    }

    /** @return {@code none}, {@code balanced} or the fixed factor, as recorded in bundles */
    @Override
    public String toString() {
        return switch (kind) {
            case NONE -> "none";
            case BALANCED -> "balanced";
            case FIXED -> Double.toString(scalePosWeight);
        };
    }

    /**
     * @param text {@code none}, {@code balanced} or a positive number
     * @return the weighting
     * @throws IllegalArgumentException for anything else
     */
    public static ClassWeighting parse(String text) {
        String t = text.strip();
        if (t.equalsIgnoreCase("none")) {
            return none();
        }
        if (t.equalsIgnoreCase("balanced") || t.equalsIgnoreCase("auto")) {
            return balanced();
        }
        try {
            return fixed(Double.parseDouble(t));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("class weighting \"" + text + "\" must be none, balanced or a number > 0");
        }
    }
}
