package dev.anomalyops.features.logs;

import dev.anomalyops.core.ConfigurationException;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Reads a whole log (file, stream or line by line) with a {@link LogLineParser}: joins continuation lines such
 * as stack traces to the record they belong to, and hands every line it cannot use to the quarantine with the
 * reason. Nothing is dropped: every line read ends up in a record or in the quarantine, and the
 * {@link ReadSummary} accounts for all of them.
 *
 * <p>A line the parser rejects is a continuation line when multiline joining is on (the default for text
 * formats), a record precedes it, and it matches the {@linkplain Builder#continuation continuation pattern}
 * (by default: it starts with whitespace, {@code Caused by:}, {@code Suppressed:} or {@code ... N more}), or
 * {@linkplain Builder#joinUnparsedLines any rejected line} is joined. It is appended to the message after a
 * {@code '\n'}. Bytes that are not valid UTF-8 are read as U+FFFD. Lines longer than
 * {@linkplain Builder#maxLineLength the limit} and continuation lines beyond
 * {@linkplain Builder#maxRecordLines the limit} are quarantined whole, with the reason.
 *
 * <pre>{@code
 * LogReader reader = LogReader.builder(LogFormats.hdfs(ZoneOffset.UTC)).build();
 * List<RejectedLine> quarantine = new ArrayList<>();
 * ReadSummary summary = reader.read(Path.of("HDFS.log"), record -> miner.learn(record.firstLine()), quarantine::add);
 * }</pre>
 *
 * <p>Immutable and thread-safe; each read keeps its own state ({@link #session}).
 */
public final class LogReader {
    /** Stack-trace continuation lines. */
    public static final Pattern DEFAULT_CONTINUATION =
            Pattern.compile("^(?:[ \\t]+\\S|Caused by:|Suppressed:|\\.\\.\\. \\d+ (?:more|common frames omitted))");

    private final LogLineParser parser;
    private final boolean multiline;
    private final Pattern continuation;
    private final boolean joinUnparsed;
    private final int maxRecordLines;
    private final int maxLineLength;
    /** Most characters of one over-long line kept in the quarantine when reading a stream (16 Mi). */
    static final int QUARANTINE_LINE_CHARACTERS = 1 << 24;

    private LogReader(Builder builder) {
        this.parser = builder.parser;
        this.multiline = builder.multiline == null ? parser.joinsContinuationLines() : builder.multiline;
        this.continuation = builder.continuation;
        this.joinUnparsed = builder.joinUnparsed;
        this.maxRecordLines = builder.maxRecordLines;
        this.maxLineLength = builder.maxLineLength;
    }

    /**
     * @param parser the line parser
     * @return a builder
     */
    public static Builder builder(LogLineParser parser) {
        return new Builder(parser);
    }

    /**
     * @param file a UTF-8 log file
     * @param records receives each record, in order
     * @param quarantine receives each line that is not part of a record
     * @return the counts
     * @throws UncheckedIOException when the file cannot be read
     */
    public ReadSummary read(Path file, Consumer<LogRecord> records, Consumer<RejectedLine> quarantine) {
        try (InputStream in = Files.newInputStream(file)) {
            return read(in, records, quarantine);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read the log \"" + file + "\": " + e.getMessage(), e);
        }
    }

    /**
     * @param in UTF-8 bytes (invalid sequences are read as U+FFFD); not closed
     * @param records receives each record
     * @param quarantine receives each line that is not part of a record
     * @return the counts
     * @throws UncheckedIOException when reading fails
     */
    public ReadSummary read(InputStream in, Consumer<LogRecord> records, Consumer<RejectedLine> quarantine) {
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPLACE)
                .onUnmappableCharacter(CodingErrorAction.REPLACE);
        return read(new InputStreamReader(in, decoder), records, quarantine);
    }

    /**
     * @param in characters; lines end at {@code \n}, {@code \r\n} or {@code \r}; not closed
     * @param records receives each record
     * @param quarantine receives each line that is not part of a record
     * @return the counts
     * @throws UncheckedIOException when reading fails
     */
    public ReadSummary read(Reader in, Consumer<LogRecord> records, Consumer<RejectedLine> quarantine) {
        Session session = session(records, quarantine);
        // Not BufferedReader.readLine: it holds a whole line in memory before anyone can look at its length, so a
        // file of gigabytes without a newline (a binary dump, a truncated gzip) would exhaust the heap. Here a line
        // keeps at most QUARANTINE_LINE_CHARACTERS (or maxLineLength + 1 when larger); a longer one is quarantined
        // with that prefix and its real length.
        int keep = (int) Math.min(Integer.MAX_VALUE - 16L, Math.max(QUARANTINE_LINE_CHARACTERS, maxLineLength + 1L));
        char[] buffer = new char[1 << 16];
        StringBuilder line = new StringBuilder();
        long length = 0;
        boolean afterCr = false;
        try {
            int read;
            while ((read = in.read(buffer)) > 0) {
                int start = 0;
                for (int i = 0; i < read; i++) {
                    char c = buffer[i];
                    if (c != '\n' && c != '\r') {
                        continue;
                    }
                    if (c == '\n' && afterCr && i == start && length == 0 && line.length() == 0) {
                        // The \n of a \r\n whose \r ended the previous line (possibly in the previous buffer).
                        afterCr = false;
                        start = i + 1;
                        continue;
                    }
                    length += append(line, buffer, start, i, keep);
                    emit(session, line, length);
                    length = 0;
                    afterCr = c == '\r';
                    start = i + 1;
                }
                if (start < read) {
                    afterCr = false;
                    length += append(line, buffer, start, read, keep);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read the log: " + e.getMessage(), e);
        }
        if (length > 0) {
            emit(session, line, length);
        }
        return session.finish();
    }

    private static int append(StringBuilder line, char[] buffer, int from, int to, int keep) {
        int room = Math.max(0, keep - line.length());
        line.append(buffer, from, Math.min(room, to - from));
        return to - from;
    }

    private static void emit(Session session, StringBuilder line, long length) {
        if (length > line.length()) {
            session.acceptTooLong(line.toString(), length);
        } else {
            session.accept(line.toString());
        }
        line.setLength(0);
    }

    /**
     * @param lines the lines, without terminators
     * @param records receives each record
     * @param quarantine receives each line that is not part of a record
     * @return the counts
     */
    public ReadSummary read(Iterable<String> lines, Consumer<LogRecord> records, Consumer<RejectedLine> quarantine) {
        Session session = session(records, quarantine);
        for (String line : lines) {
            session.accept(line);
        }
        return session.finish();
    }

    /**
     * For streams that arrive a line at a time: feed lines with {@link Session#accept}, then call
     * {@link Session#finish()} to emit the last record.
     *
     * @param records receives each record; a record is emitted when the next record starts (or at finish), since
     *     continuation lines may still follow it
     * @param quarantine receives each line that is not part of a record, at once
     * @return a new session; not thread-safe
     */
    public Session session(Consumer<LogRecord> records, Consumer<RejectedLine> quarantine) {
        return new Session(Objects.requireNonNull(records, "records"), Objects.requireNonNull(quarantine, "quarantine"));
    }

    /** One read in progress. Not thread-safe. */
    public final class Session {
        private final Consumer<LogRecord> records;
        private final Consumer<RejectedLine> quarantine;
        private @Nullable LogRecord pending;
        private final StringBuilder continuationText = new StringBuilder();
        private int continuationCount;
        private long lineNumber;
        private long recordCount;
        private long continuationLines;
        private long rejected;
        private boolean finished;

        private Session(Consumer<LogRecord> records, Consumer<RejectedLine> quarantine) {
            this.records = records;
            this.quarantine = quarantine;
        }

        /**
         * @param line the next line, without its terminator
         * @throws IllegalStateException after {@link #finish()}
         */
        public void accept(String line) {
            Objects.requireNonNull(line, "line");
            if (finished) {
                throw new IllegalStateException("This read session is finished");
            }
            lineNumber++;
            if (line.length() > maxLineLength) {
                reject(new RejectedLine(lineNumber, line, "Line " + lineNumber + " is " + line.length()
                        + " characters long, more than the limit of " + maxLineLength));
                return;
            }
            if (line.isEmpty() || Chars.strip(line).isEmpty()) {
                reject(new RejectedLine(lineNumber, line, "Line " + lineNumber + " is blank"));
                return;
            }
            LineOutcome outcome = parser.parse(line, lineNumber);
            if (outcome instanceof LogRecord record) {
                flush();
                pending = record;
                return;
            }
            RejectedLine rejection = (RejectedLine) outcome;
            if (multiline && pending != null && (joinUnparsed || continuation.matcher(line).find())) {
                if (pending.lines() + continuationCount >= maxRecordLines) {
                    reject(new RejectedLine(lineNumber, line, "Line " + lineNumber + " continues the record of line "
                            + pending.lineNumber() + ", which already has the most lines allowed (" + maxRecordLines + ")"));
                    return;
                }
                if (continuationCount > 0) {
                    continuationText.append('\n');
                }
                continuationText.append(line);
                continuationCount++;
                continuationLines++;
                return;
            }
            reject(rejection);
        }

        /** A line longer than the reader keeps: quarantined with its first characters and its real length. */
        void acceptTooLong(String prefix, long length) {
            if (finished) {
                throw new IllegalStateException("This read session is finished");
            }
            lineNumber++;
            reject(new RejectedLine(lineNumber, prefix, "Line " + lineNumber + " is " + length
                    + " characters long, more than the limit of " + maxLineLength + " (the quarantine keeps its first "
                    + prefix.length() + ")"));
        }

        /**
         * Emits the last record.
         *
         * @return the counts of the whole read
         */
        public ReadSummary finish() {
            if (!finished) {
                flush();
                finished = true;
            }
            return new ReadSummary(lineNumber, recordCount, continuationLines, rejected);
        }

        private void reject(RejectedLine line) {
            rejected++;
            quarantine.accept(line);
        }

        private void flush() {
            LogRecord record = pending;
            if (record == null) {
                return;
            }
            if (continuationCount > 0) {
                record = record.withContinuation(continuationText, continuationCount);
                continuationText.setLength(0);
                continuationCount = 0;
            }
            pending = null;
            recordCount++;
            records.accept(record);
        }
    }

    /** Configures a {@link LogReader}. Not thread-safe. */
    public static final class Builder {
        private final LogLineParser parser;
        private @Nullable Boolean multiline;
        private Pattern continuation = DEFAULT_CONTINUATION;
        private boolean joinUnparsed;
        private int maxRecordLines = 1_000;
        private int maxLineLength = 65_536;

        private Builder(LogLineParser parser) {
            this.parser = Objects.requireNonNull(parser, "parser");
        }

        /**
         * @param on whether rejected lines may continue the previous record; default: on for text formats, off
         *     for JSON lines
         * @return this builder
         */
        public Builder multiline(boolean on) {
            this.multiline = on;
            return this;
        }

        /**
         * @param pattern what a continuation line looks like (found with {@code find()}); default
         *     {@link #DEFAULT_CONTINUATION}
         * @return this builder
         */
        public Builder continuation(Pattern pattern) {
            this.continuation = Objects.requireNonNull(pattern, "pattern");
            return this;
        }

        /**
         * @param on whether every rejected line after a record is joined to it, whatever it looks like
         * @return this builder
         */
        public Builder joinUnparsedLines(boolean on) {
            this.joinUnparsed = on;
            return this;
        }

        /**
         * @param lines most physical lines in one record, at least 1; default 1,000
         * @return this builder
         */
        public Builder maxRecordLines(int lines) {
            this.maxRecordLines = lines;
            return this;
        }

        /**
         * @param characters longest line parsed, at least 1; longer ones are quarantined; default 65,536
         * @return this builder
         */
        public Builder maxLineLength(int characters) {
            this.maxLineLength = characters;
            return this;
        }

        /**
         * @return the reader
         * @throws ConfigurationException listing every invalid setting
         */
        public LogReader build() {
            List<String> problems = new ArrayList<>();
            if (maxRecordLines < 1) {
                problems.add("maxRecordLines must be >= 1 but was " + maxRecordLines);
            }
            if (maxLineLength < 1) {
                problems.add("maxLineLength must be >= 1 but was " + maxLineLength);
            }
            if (!problems.isEmpty()) {
                throw new ConfigurationException(problems);
            }
            return new LogReader(this);
        }
    }
}
