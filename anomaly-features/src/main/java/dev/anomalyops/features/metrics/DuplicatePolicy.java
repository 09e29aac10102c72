package dev.anomalyops.features.metrics;

import java.util.Locale;

/** What a second sample with the same instance and timestamp does. */
public enum DuplicatePolicy {
    /** The first sample wins; later ones are rejected with the reason "duplicate timestamp" (never silently). */
    REJECT,
    /** Each duplicate is a sample of its own (one step later under {@link GapPolicy#FILL}). */
    KEEP;

    /** @return the lower-case name used in spec files */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

}
