package dev.anomalyops.features.logs;

import java.util.Objects;

/**
 * A line that was not turned into a record, kept whole with the reason, for the quarantine. Nothing a reader
 * is given disappears: every line ends up in a record or here.
 *
 * @param lineNumber the 1-based line number in its input
 * @param line the line as read (line terminator removed)
 * @param reason one sentence saying what was expected and what was found
 */
public record RejectedLine(long lineNumber, String line, String reason) implements LineOutcome {

    /** Validates. */
    public RejectedLine {
        if (lineNumber < 1) {
            throw new IllegalArgumentException("lineNumber must be >= 1 but was " + lineNumber);
        }
        Objects.requireNonNull(line, "line");
        Objects.requireNonNull(reason, "reason");
    }

    @Override
    public boolean parsed() {
        return false;
    }
}
