package dev.anomalyops.features.logs;

import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One parsed log record: when, how severe, from where, the message and every header field.
 *
 * @param lineNumber the 1-based number of its first line in the input
 * @param lines how many physical lines it spans (more than 1 when continuation lines such as a stack trace were
 *     joined to it)
 * @param timestamp when it was written; null when the format has no timestamp
 * @param level its severity, {@link LogLevel#UNKNOWN} when the format has none
 * @param source the instance, host or stream that wrote it; empty when unknown
 * @param message the free-text message; joined continuation lines follow it, each after a {@code '\n'}
 * @param fields every field the format extracted, by name, in format order (unmodifiable)
 */
public record LogRecord(long lineNumber, int lines, @Nullable Instant timestamp, LogLevel level, String source,
        String message, Map<String, String> fields) implements LineOutcome {

    /** Validates and copies the fields. */
    public LogRecord {
        if (lineNumber < 1) {
            throw new IllegalArgumentException("lineNumber must be >= 1 but was " + lineNumber);
        }
        if (lines < 1) {
            throw new IllegalArgumentException("lines must be >= 1 but was " + lines);
        }
        Objects.requireNonNull(level, "level");
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(message, "message");
        fields = Collections.unmodifiableMap(new LinkedHashMap<>(fields));
    }

    /**
     * @param message the message
     * @return a one-line record with no timestamp, level, source or fields (handy in tests)
     */
    public static LogRecord ofMessage(String message) {
        return new LogRecord(1, 1, null, LogLevel.UNKNOWN, "", message, Map.of());
    }

    @Override
    public boolean parsed() {
        return true;
    }

    /** @return the message up to its first line break: the part a template miner should see */
    public String firstLine() {
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }

    /**
     * @param extraLines continuation lines, already joined with {@code '\n'}
     * @param count how many lines that is
     * @return this record with the lines appended to its message
     */
    LogRecord withContinuation(CharSequence extraLines, int count) {
        return new LogRecord(lineNumber, lines + count, timestamp, level, source, message + '\n' + extraLines, fields);
    }
}
