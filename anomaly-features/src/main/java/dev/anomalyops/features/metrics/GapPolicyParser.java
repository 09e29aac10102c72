package dev.anomalyops.features.metrics;

import java.util.Locale;

/** Parses the enum values of spec files by their lower-case wire names, with messages that list the choices. */
final class GapPolicyParser {
    private GapPolicyParser() {}

    static GapPolicy gap(String v) {
        return parse(GapPolicy.class, v, "Gap policy");
    }

    static DuplicatePolicy duplicates(String v) {
        return parse(DuplicatePolicy.class, v, "Duplicate policy");
    }

    static FillPolicy fill(String v) {
        return parse(FillPolicy.class, v, "Fill policy");
    }

    static NanPolicy nan(String v) {
        return parse(NanPolicy.class, v, "NaN policy");
    }

    static Stat stat(String v) {
        return parse(Stat.class, v, "Statistic");
    }

    static TimeFeature time(String v) {
        for (TimeFeature t : TimeFeature.values()) {
            if (t.featureName().equalsIgnoreCase(v.trim())) {
                return t;
            }
        }
        return parse(TimeFeature.class, v, "Time feature");
    }

    private static <E extends Enum<E>> E parse(Class<E> type, String value, String what) {
        for (E e : type.getEnumConstants()) {
            if (e.name().equalsIgnoreCase(value.trim())) {
                return e;
            }
        }
        StringBuilder choices = new StringBuilder();
        for (E e : type.getEnumConstants()) {
            choices.append(choices.length() == 0 ? "" : ", ").append(e.name().toLowerCase(Locale.ROOT));
        }
        throw new IllegalArgumentException(what + " \"" + value + "\" is unknown; expected one of " + choices);
    }
}
