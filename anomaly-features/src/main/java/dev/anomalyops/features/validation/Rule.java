package dev.anomalyops.features.validation;

import java.util.Locale;

/** A validation rule; a row breaking any rule is quarantined with one reason per broken rule. */
public enum Rule {
    /** The dataset lacks the instance, timestamp or a required metric column. */
    MISSING_COLUMN,
    /** A cell is not of its column's type: a metric that is not a number, an unreadable timestamp, a blank instance. */
    TYPE,
    /** A metric is NaN or infinite where its {@link dev.anomalyops.core.NonFinitePolicy} does not allow it. */
    NON_FINITE,
    /** A metric lies outside the range learnt from training data ({@link ValueRanges}). */
    OUT_OF_RANGE,
    /** The timestamp is earlier than the instance's previous valid row. */
    OUT_OF_ORDER,
    /** The instance already has a valid row with this timestamp. */
    DUPLICATE,
    /** A feature row breaks its {@link dev.anomalyops.core.FeatureSchema} (e.g. an infinite feature). */
    FEATURE_SCHEMA;

    /** @return the lower-case name used in reports and the quarantine's {@code rules} column */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
