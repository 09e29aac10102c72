package dev.anomalyops.features.metrics;

import java.util.Locale;

/** How a window statistic treats missing steps (NaN, infinite, or filled in for a gap). */
public enum NanPolicy {
    /** Missing steps are left out; the statistic is NaN while fewer than {@code minPeriods} values are present. */
    SKIP,
    /** The statistic is NaN when any of the window's steps is missing or the history is shorter than the window. */
    PROPAGATE;

    /** @return the lower-case name used in spec files */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

}
