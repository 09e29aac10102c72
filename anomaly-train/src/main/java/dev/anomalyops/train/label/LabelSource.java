package dev.anomalyops.train.label;

import java.util.Locale;

/** Where a label came from, in decreasing order of authority. */
public enum LabelSource {
    /** A person reviewed the row. */
    HUMAN,
    /** Brought in from another system (incident tickets, a labelled data set). */
    IMPORTED,
    /** Derived from a detector's score by {@link PseudoLabeler}. */
    PSEUDO;

    /** @return the lower-case name used in files */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * @param name a wire name
     * @return the source
     * @throws IllegalArgumentException for an unknown name
     */
    public static LabelSource fromWireName(String name) {
        for (LabelSource source : values()) {
            if (source.wireName().equalsIgnoreCase(name)) {
                return source;
            }
        }
        throw new IllegalArgumentException("Label source \"" + name + "\" is unknown; expected human, imported or pseudo");
    }
}
