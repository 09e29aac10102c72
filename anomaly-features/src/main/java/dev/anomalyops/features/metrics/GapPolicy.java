package dev.anomalyops.features.metrics;

import java.util.Locale;

/** What a gap in an instance's timestamps means for its windows and lags. */
public enum GapPolicy {
    /** Windows and lags count samples as they arrive; timestamps only decide order. */
    IGNORE,
    /**
     * Timestamps sit on a grid of the spec's {@code interval}: a sample {@code k} intervals (rounded to the
     * nearest) after the previous one adds {@code k - 1} missing steps first, so lag 5 is always five intervals
     * back and a window of 60 covers 60 intervals. A gap longer than {@code maxGap} (when set) resets the state.
     */
    FILL,
    /** Samples count as they arrive, but a gap longer than {@code maxGap} resets the instance's state. */
    RESET;

    /** @return the lower-case name used in spec files */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

}
