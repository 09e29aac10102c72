package dev.anomalyops.core;

/** What to do with a named value the schema does not have. */
public enum UnknownFeaturePolicy {
    /** Fail the record with an {@link UnknownFeatureException}: the safe default, it catches typos. */
    REJECT,
    /** Drop the value silently: for producers that send more fields than the model uses. */
    IGNORE
}
