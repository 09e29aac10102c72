package dev.anomalyops.core;

/** A record lacks a value for a feature whose policy does not allow missing values. */
public class MissingFeatureException extends InputException {
    private static final long serialVersionUID = 1L;
    private final String feature;

    /**
     * @param feature the feature without a value
     * @param message the full sentence
     */
    public MissingFeatureException(String feature, String message) {
        super(message);
        this.feature = feature;
    }

    /** @return the name of the missing feature */
    public String feature() {
        return feature;
    }
}
