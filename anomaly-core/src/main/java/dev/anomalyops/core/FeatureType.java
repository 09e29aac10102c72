package dev.anomalyops.core;

/** The value type of a feature. Tree ensembles compare in 32-bit floats, so that is the type rows carry. */
public enum FeatureType {
    /** IEEE 754 single precision, the type XGBoost, CatBoost and ONNX tree ensembles compare in. */
    FLOAT32("float32");

    private final String wireName;

    FeatureType(String wireName) {
        this.wireName = wireName;
    }

    /** @return the lower-case name used in manifests and protocol metadata */
    public String wireName() {
        return wireName;
    }

    /**
     * @param name a wire name such as {@code float32} (case-insensitive; {@code FP32} is accepted too)
     * @return the matching type
     * @throws IllegalArgumentException when the name is not a known type
     */
    public static FeatureType fromWireName(String name) {
        String lower = name.toLowerCase(java.util.Locale.ROOT);
        if (lower.equals("float32") || lower.equals("fp32") || lower.equals("float")) {
            return FLOAT32;
        }
        throw new IllegalArgumentException("Feature type \"" + name + "\" is not supported; expected \"float32\"");
    }
}
