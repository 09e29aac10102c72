package dev.anomalyops.features.metrics;

import java.util.Locale;

/** A rolling-window statistic. Output order within a window follows this declaration order. */
public enum Stat {
    /** Arithmetic mean of the present values in the window. */
    MEAN,
    /** Sample standard deviation (divisor n - 1, as pandas' default) of the present values; NaN below two values. */
    STD,
    /** Smallest present value in the window. */
    MIN,
    /** Largest present value in the window. */
    MAX;

    /** @return the lower-case name used in feature names and spec files */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

}
