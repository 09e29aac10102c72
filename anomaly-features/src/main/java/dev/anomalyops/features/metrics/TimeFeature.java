package dev.anomalyops.features.metrics;

import java.util.Locale;

/** Calendar features of a sample's timestamp, in the spec's time zone. */
public enum TimeFeature {
    /** Hour of day, 0 to 23: feature {@code hour_of_day}. */
    HOUR("hour_of_day"),
    /** ISO day of week, 1 (Monday) to 7 (Sunday): feature {@code day_of_week}. */
    DAY_OF_WEEK("day_of_week"),
    /** 1 on Saturday and Sunday, else 0: feature {@code is_weekend}. */
    WEEKEND("is_weekend");

    private final String featureName;

    TimeFeature(String featureName) {
        this.featureName = featureName;
    }

    /** @return the output feature's name */
    public String featureName() {
        return featureName;
    }

    /** @return the lower-case name used in spec files */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

}
