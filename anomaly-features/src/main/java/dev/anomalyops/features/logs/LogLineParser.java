package dev.anomalyops.features.logs;

/**
 * Turns one line into a {@link LogRecord} or says why it cannot. Implementations never throw for bad input:
 * a line that does not fit becomes a {@link RejectedLine}. {@link LogFormat} (text) and {@link JsonLogFormat}
 * (JSON lines, CloudWatch events) are the two kinds; {@link LogReader} reads whole inputs with either.
 * Implementations are immutable and thread-safe.
 */
public interface LogLineParser {
    /**
     * @param line one line, without its line terminator
     * @param lineNumber its 1-based number in the input, copied into the outcome
     * @return the record or the rejection
     */
    LineOutcome parse(String line, long lineNumber);

    /**
     * @return whether a line this parser rejects may be a continuation of the previous record (a stack trace
     *     line); true for text formats, false for JSON lines
     */
    default boolean joinsContinuationLines() {
        return true;
    }
}
