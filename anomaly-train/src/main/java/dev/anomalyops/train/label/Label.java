package dev.anomalyops.train.label;

import java.time.Instant;
import java.util.Locale;
import java.util.Objects;

/**
 * One label for one row: who said what about it, when, and how sure.
 *
 * @param id the row's id (a timestamp, a log line id, {@code machine-1-2:test:123} …)
 * @param value 1 for anomaly, 0 for normal
 * @param source where it came from
 * @param author who gave it: a person, or the detector and model for pseudo-labels
 * @param at when it was given
 * @param confidence how sure, in [0, 1]: 1 for people, {@link PseudoLabeler}'s confidence for pseudo-labels
 * @param note free text from the reviewer; empty when none
 */
public record Label(String id, int value, LabelSource source, String author, Instant at, double confidence,
        String note) {

    /** Validates every field. */
    public Label {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(author, "author");
        Objects.requireNonNull(at, "at");
        Objects.requireNonNull(note, "note");
        if (id.isEmpty() || id.length() > 512 || id.chars().anyMatch(c -> c == '\n' || c == '\r')) {
            throw new IllegalArgumentException("Label id must be 1 to 512 characters on one line but was \"" + id + "\"");
        }
        if (value != 0 && value != 1) {
            throw new IllegalArgumentException("Label \"" + id + "\" has value " + value + " but labels must be 0 or 1");
        }
        if (!(confidence >= 0 && confidence <= 1)) {
            throw new IllegalArgumentException("Label \"" + id + "\" has confidence " + confidence
                    + " but it must be in [0, 1]");
        }
        if (author.isBlank()) {
            throw new IllegalArgumentException("Label \"" + id + "\" needs an author");
        }
    }

    /**
     * @param id row id
     * @param value 1 anomaly, 0 normal
     * @param reviewer the person
     * @param at when
     * @return a human label with confidence 1 and no note
     */
    public static Label human(String id, int value, String reviewer, Instant at) {
        return new Label(id, value, LabelSource.HUMAN, reviewer, at, 1.0, "");
    }

    /**
     * Parses the spellings reviewers use.
     *
     * @param text {@code 1}/{@code 0}, {@code anomaly}/{@code normal}, {@code true}/{@code false}, {@code yes}/{@code no}
     * @return 1 or 0
     * @throws IllegalArgumentException for anything else
     */
    public static int parseValue(String text) {
        switch (text.strip().toLowerCase(Locale.ROOT)) {
            case "1", "1.0", "anomaly", "anomalous", "true", "yes", "y":
                return 1;
            case "0", "0.0", "normal", "false", "no", "n":
                return 0;
            default:
                throw new IllegalArgumentException("label \"" + text
                        + "\" is not understood; use 1/0, anomaly/normal, true/false or yes/no");
        }
    }

    /** @return whether it says anomaly */
    public boolean isAnomaly() {
        return value == 1;
    }

    /** @return what makes two labels the same statement, whenever it was made: id, value, source, author, note */
    String identity() {
        return id + '\u0000' + value + '\u0000' + source.wireName() + '\u0000' + author + '\u0000' + note;
    }
}
