package dev.anomalyops.features.logs;

/**
 * What a {@link LogLineParser} made of one line: a {@link LogRecord}, or a {@link RejectedLine} that says why
 * the line could not be parsed. Java 17 has no pattern switch, so the accessors below save the casts.
 */
public sealed interface LineOutcome permits LogRecord, RejectedLine {
    /** @return whether the line was parsed */
    boolean parsed();

    /**
     * @return the record
     * @throws IllegalStateException when the line was rejected
     */
    default LogRecord record() {
        if (this instanceof LogRecord record) {
            return record;
        }
        throw new IllegalStateException("Line was rejected: " + ((RejectedLine) this).reason());
    }

    /**
     * @return the rejection
     * @throws IllegalStateException when the line was parsed
     */
    default RejectedLine rejection() {
        if (this instanceof RejectedLine rejected) {
            return rejected;
        }
        throw new IllegalStateException("Line " + ((LogRecord) this).lineNumber() + " was parsed");
    }
}
