package dev.anomalyops.features.metrics;

import java.util.Locale;

/** What a metric's missing steps become before any feature sees them. */
public enum FillPolicy {
    /** Missing steps stay missing; each feature's {@link NanPolicy} decides. */
    NONE,
    /** A missing step takes the instance's last present value of that metric (none yet: stays missing). */
    PREVIOUS;

    /** @return the lower-case name used in spec files */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

}
