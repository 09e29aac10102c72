package dev.anomalyops.core;

/** A record names a feature the schema does not have. */
public class UnknownFeatureException extends InputException {
    private static final long serialVersionUID = 1L;
    private final String feature;

    /**
     * @param feature the unknown name
     * @param message the full sentence
     */
    public UnknownFeatureException(String feature, String message) {
        super(message);
        this.feature = feature;
    }

    /** @return the name the schema does not know */
    public String feature() {
        return feature;
    }
}
