package dev.anomalyops.core;

import java.util.Objects;

/**
 * One named, typed model input.
 *
 * @param name the stable feature name, unique within its schema
 * @param type the value type
 * @param nonFinite what the feature accepts besides finite numbers
 */
public record Feature(String name, FeatureType type, NonFinitePolicy nonFinite) {

    /** Validates the name: not blank, no control characters, at most 256 characters. */
    public Feature {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(nonFinite, "nonFinite");
        if (name.isBlank()) {
            throw new IllegalArgumentException("Feature name must not be blank");
        }
        if (name.length() > 256) {
            throw new IllegalArgumentException("Feature name must be at most 256 characters but was " + name.length());
        }
        for (int i = 0; i < name.length(); i++) {
            if (Character.isISOControl(name.charAt(i))) {
                throw new IllegalArgumentException("Feature name \"" + name.strip() + "\" contains a control character");
            }
        }
    }

    /**
     * @param name the feature name
     * @return a float32 feature that allows missing values
     */
    public static Feature of(String name) {
        return new Feature(name, FeatureType.FLOAT32, NonFinitePolicy.MISSING_ALLOWED);
    }

    /**
     * @param name the feature name
     * @param nonFinite its policy for NaN and infinities
     * @return a float32 feature with that policy
     */
    public static Feature of(String name, NonFinitePolicy nonFinite) {
        return new Feature(name, FeatureType.FLOAT32, nonFinite);
    }
}
