package dev.anomalyops.core;

/**
 * What a feature accepts besides finite numbers. Tree models route NaN down the "missing" branch, so NaN
 * is the in-row encoding of a missing value everywhere in AnomalyOps.
 */
public enum NonFinitePolicy {
    /** Missing values (absent or NaN) are allowed and reach the model as NaN; infinities are rejected. */
    MISSING_ALLOWED,
    /** Only finite numbers: missing values, NaN and infinities are rejected. */
    REJECT,
    /** Anything goes: NaN means missing and infinities reach the model unchanged. */
    PASS_THROUGH;

    /**
     * @param value the value to check
     * @return {@code null} when the value is acceptable, otherwise the reason it is not
     */
    public String reasonToReject(float value) {
        if (Float.isNaN(value)) {
            return this == REJECT ? "is missing (NaN) but the feature does not allow missing values" : null;
        }
        if (Float.isInfinite(value) && this != PASS_THROUGH) {
            return "is " + (value > 0 ? "+Infinity" : "-Infinity") + " but the feature only accepts finite numbers";
        }
        return null;
    }

    /** @return the lower-case name used in manifests */
    public String wireName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    /**
     * @param name a wire name such as {@code missing_allowed}
     * @return the matching policy
     * @throws IllegalArgumentException for an unknown name
     */
    public static NonFinitePolicy fromWireName(String name) {
        for (NonFinitePolicy policy : values()) {
            if (policy.wireName().equalsIgnoreCase(name)) {
                return policy;
            }
        }
        throw new IllegalArgumentException("Non-finite policy \"" + name
                + "\" is unknown; expected one of missing_allowed, reject, pass_through");
    }
}
