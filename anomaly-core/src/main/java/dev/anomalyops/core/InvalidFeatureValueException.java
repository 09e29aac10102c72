package dev.anomalyops.core;

/** A feature value breaks its policy (NaN or infinity where not allowed, wrong shape or type). */
public class InvalidFeatureValueException extends InputException {
    private static final long serialVersionUID = 1L;
    private final String feature;

    /**
     * @param feature the feature whose value is invalid, or an empty string when the whole row is malformed
     * @param message the full sentence
     */
    public InvalidFeatureValueException(String feature, String message) {
        super(message);
        this.feature = feature;
    }

    /** @return the offending feature, or an empty string when the row as a whole is malformed */
    public String feature() {
        return feature;
    }
}
