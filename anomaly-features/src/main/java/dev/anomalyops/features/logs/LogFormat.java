package dev.anomalyops.features.logs;

import dev.anomalyops.core.ConfigurationException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import org.jspecify.annotations.Nullable;

/**
 * A text log format, compiled once into a regular expression and matched against each line.
 *
 * <p>Formats are written like the format strings of the Loghub benchmark, so those work as written:
 * <ul>
 *   <li>{@code <Name>} captures a header field, as few characters as possible;</li>
 *   <li>the message field ({@code <Content>} unless {@linkplain Builder#message renamed}) captures the rest of
 *       the line;</li>
 *   <li>a run of spaces matches one or more whitespace characters;</li>
 *   <li>everything else is a regular-expression fragment: {@code <Component>(\[<PID>\])?: <Content>} and
 *       {@code <Time>\|<Component>\|<Pid>\|<Content>} mean what they say.</li>
 * </ul>
 * The line is stripped of surrounding whitespace first and must match as a whole. A line that does not match,
 * or whose timestamp does not parse, becomes a {@link RejectedLine} with the reason. {@link #regexBuilder}
 * takes a Java regular expression with named groups instead, for formats the notation cannot express (see
 * {@link LogFormats}).
 *
 * <pre>{@code
 * LogFormat hdfs = LogFormat.builder("<Date> <Time> <Pid> <Level> <Component>: <Content>")
 *         .timestamp(TimestampFormat.pattern("yyMMdd HHmmss", ZoneOffset.UTC), "Date", "Time")
 *         .build();                                   // the level comes from the field named Level
 * LineOutcome outcome = hdfs.parse("081109 203615 148 INFO dfs.DataNode$PacketResponder: PacketResponder 1 ...", 1);
 * }</pre>
 *
 * <p>Immutable and thread-safe.
 */
public final class LogFormat implements LogLineParser {
    /** The message field of Loghub format strings. */
    public static final String DEFAULT_MESSAGE_FIELD = "Content";

    private static final Pattern FIELD = Pattern.compile("<([^<>]+)>");
    private static final Pattern NAMED_GROUP = Pattern.compile("\\(\\?<([a-zA-Z][a-zA-Z0-9]*)>");
    private static final Pattern SPACES = Pattern.compile(" +");

    /** How a level field's text becomes a {@link LogLevel}. */
    private enum LevelRule { NAME, SYSLOG_PRIORITY, HTTP_STATUS }

    private final String format;
    private final Pattern pattern;
    private final List<String> fields;
    private final String[] groups;
    private final int message;
    private final @Nullable TimestampFormat timestamp;
    private final int[] timestampFields;
    private final int level;
    private final LevelRule levelRule;
    private final int source;

    private LogFormat(Builder builder, Pattern pattern, int message, int[] timestampFields, int level, int source) {
        this.format = builder.format;
        this.pattern = pattern;
        this.fields = List.copyOf(builder.fields);
        this.groups = builder.groups.toArray(new String[0]);
        this.message = message;
        this.timestamp = builder.timestamp;
        this.timestampFields = timestampFields;
        this.level = level;
        this.levelRule = builder.levelRule;
        this.source = source;
    }

    /**
     * @param format a Loghub-style format string
     * @return the format with a level taken from a field named {@code Level} or {@code Severity} if there is one,
     *     and no timestamp
     * @throws ConfigurationException when the format is invalid
     */
    public static LogFormat of(String format) {
        return builder(format).build();
    }

    /**
     * @param format a Loghub-style format string, e.g. {@code <Date> <Time> <Level> <Component>: <Content>}
     * @return a builder
     */
    public static Builder builder(String format) {
        Objects.requireNonNull(format, "format");
        Builder builder = new Builder(format);
        StringBuilder regex = new StringBuilder("^");
        Matcher matcher = FIELD.matcher(format);
        int last = 0;
        List<int[]> spans = new ArrayList<>();
        while (matcher.find()) {
            regex.append(SPACES.matcher(format.substring(last, matcher.start())).replaceAll("\\\\s+"));
            String name = matcher.group(1);
            String group = "g" + builder.fields.size();
            if (builder.fields.contains(name)) {
                builder.problems.add("Format \"" + format + "\" names field \"" + name + "\" twice");
            }
            builder.fields.add(name);
            builder.groups.add(group);
            spans.add(new int[] {regex.length()});
            regex.append("(?<").append(group).append(">.*?)");
            last = matcher.end();
        }
        String tail = format.substring(last);
        regex.append(SPACES.matcher(tail).replaceAll("\\\\s+"));
        // The last field of a format that ends with it takes the rest of the line: greedy is then the same match
        // as lazy (the expression is anchored) and much faster.
        if (!spans.isEmpty() && tail.isEmpty()) {
            int at = regex.lastIndexOf(".*?)");
            regex.replace(at, at + 4, ".*)");
        }
        regex.append('$');
        builder.regex = regex.toString();
        if (builder.fields.isEmpty()) {
            builder.problems.add("Format \"" + format + "\" has no field; write fields as <Name>, e.g. <Content>");
        }
        return builder;
    }

    /**
     * @param regex a Java regular expression matched against the whole (stripped) line; each named group
     *     {@code (?<name>...)} is a field
     * @return a builder; its message field defaults to {@code message} when the expression has such a group
     */
    public static Builder regexBuilder(String regex) {
        Objects.requireNonNull(regex, "regex");
        Builder builder = new Builder(regex);
        Matcher matcher = NAMED_GROUP.matcher(regex);
        while (matcher.find()) {
            builder.fields.add(matcher.group(1));
            builder.groups.add(matcher.group(1));
        }
        builder.regex = regex;
        if (builder.fields.isEmpty()) {
            builder.problems.add("Regular expression \"" + regex + "\" has no named group; write fields as (?<name>...)");
        }
        if (builder.fields.contains("message")) {
            builder.messageField = "message";
        }
        return builder;
    }

    @Override
    public LineOutcome parse(String line, long lineNumber) {
        Objects.requireNonNull(line, "line");
        String stripped = Chars.strip(line);
        Matcher matcher = pattern.matcher(new BudgetedText(stripped));
        try {
            if (!matcher.matches()) {
                return new RejectedLine(lineNumber, line, "Line " + lineNumber + " does not match the format \""
                        + Chars.abbreviate(format, 200) + "\"");
            }
        } catch (BudgetedText.Exhausted e) {
            return new RejectedLine(lineNumber, line, "Line " + lineNumber + " could not be matched against the format \""
                    + Chars.abbreviate(format, 200) + "\" within " + e.budget() + " steps (the expression backtracks too"
                    + " much on it)");
        }
        String[] values = new String[groups.length];
        for (int i = 0; i < groups.length; i++) {
            String value = matcher.group(groups[i]);
            values[i] = value == null ? "" : value;
        }
        java.time.Instant instant = null;
        if (timestamp != null) {
            String text = values[timestampFields[0]];
            for (int i = 1; i < timestampFields.length; i++) {
                text = text + ' ' + values[timestampFields[i]];
            }
            try {
                instant = timestamp.parse(text);
            } catch (LogLineException e) {
                return new RejectedLine(lineNumber, line, "Line " + lineNumber + ": " + e.getMessage());
            }
        }
        LogLevel logLevel = level < 0 ? LogLevel.UNKNOWN : level(values[level]);
        Map<String, String> map = new LinkedHashMap<>(groups.length * 2);
        for (int i = 0; i < groups.length; i++) {
            map.put(fields.get(i), values[i]);
        }
        return new LogRecord(lineNumber, 1, instant, logLevel, source < 0 ? "" : values[source], values[message], map);
    }

    private LogLevel level(String text) {
        switch (levelRule) {
            case SYSLOG_PRIORITY:
                try {
                    int priority = Integer.parseInt(text.strip());
                    return priority >= 0 && priority <= 191 ? LogLevel.ofSyslogPriority(priority) : LogLevel.UNKNOWN;
                } catch (NumberFormatException e) {
                    return LogLevel.UNKNOWN;
                }
            case HTTP_STATUS:
                try {
                    return LogLevel.ofHttpStatus(Integer.parseInt(text.strip()));
                } catch (NumberFormatException e) {
                    return LogLevel.UNKNOWN;
                }
            default:
                return LogLevel.parse(text);
        }
    }

    /** @return the format string or regular expression this was built from */
    public String format() {
        return format;
    }

    /** @return the compiled expression */
    public Pattern pattern() {
        return pattern;
    }

    /** @return the field names, in format order */
    public List<String> fields() {
        return fields;
    }

    /** @return the name of the message field */
    public String messageField() {
        return fields.get(message);
    }

    @Override
    public String toString() {
        return "LogFormat[\"" + format + "\"]";
    }

    /** Configures a {@link LogFormat}: which fields are the timestamp, level, source and message. Not thread-safe. */
    public static final class Builder {
        private final String format;
        private final List<String> fields = new ArrayList<>();
        private final List<String> groups = new ArrayList<>();
        private final List<String> problems = new ArrayList<>();
        private String regex = "";
        private String messageField = DEFAULT_MESSAGE_FIELD;
        private @Nullable TimestampFormat timestamp;
        private List<String> timestampFieldNames = List.of();
        private @Nullable String levelField;
        private LevelRule levelRule = LevelRule.NAME;
        private @Nullable String sourceField;

        private Builder(String format) {
            this.format = format;
        }

        /**
         * @param format how the timestamp is written
         * @param fields the fields that hold it, joined with one space in this order (e.g. {@code Date},
         *     {@code Time})
         * @return this builder
         */
        public Builder timestamp(TimestampFormat format, String... fields) {
            this.timestamp = Objects.requireNonNull(format, "format");
            this.timestampFieldNames = List.copyOf(Arrays.asList(fields));
            return this;
        }

        /**
         * @param field the field holding the level name ({@code INFO}, {@code warning}, {@code E} ...)
         * @return this builder
         */
        public Builder level(String field) {
            this.levelField = Objects.requireNonNull(field, "field");
            this.levelRule = LevelRule.NAME;
            return this;
        }

        /**
         * @param field the field holding a syslog PRI number; its severity is the level
         * @return this builder
         */
        public Builder levelFromSyslogPriority(String field) {
            this.levelField = Objects.requireNonNull(field, "field");
            this.levelRule = LevelRule.SYSLOG_PRIORITY;
            return this;
        }

        /**
         * @param field the field holding an HTTP status; 5xx is ERROR, 4xx WARN, the rest INFO
         * @return this builder
         */
        public Builder levelFromHttpStatus(String field) {
            this.levelField = Objects.requireNonNull(field, "field");
            this.levelRule = LevelRule.HTTP_STATUS;
            return this;
        }

        /**
         * @param field the field naming the instance, host or stream that wrote the line
         * @return this builder
         */
        public Builder source(String field) {
            this.sourceField = Objects.requireNonNull(field, "field");
            return this;
        }

        /**
         * @param field the message field (default {@code Content})
         * @return this builder
         */
        public Builder message(String field) {
            this.messageField = Objects.requireNonNull(field, "field");
            return this;
        }

        /**
         * @return the format
         * @throws ConfigurationException listing every problem: an invalid expression, unknown field names, an
         *     unusable timestamp format
         */
        public LogFormat build() {
            List<String> all = new ArrayList<>(problems);
            Pattern pattern = null;
            try {
                pattern = Pattern.compile(regex, Pattern.UNIX_LINES);
            } catch (PatternSyntaxException e) {
                all.add("Format \"" + format + "\" is not a valid regular expression once compiled: " + e.getDescription()
                        + " near index " + e.getIndex() + " of \"" + regex + "\"");
            }
            int message = fieldIndex(messageField, "message", all);
            int[] timestampFields = new int[timestampFieldNames.size()];
            if (timestamp != null) {
                if (timestampFieldNames.isEmpty()) {
                    all.add("Format \"" + format + "\" has a timestamp format but no timestamp field");
                }
                for (int i = 0; i < timestampFields.length; i++) {
                    timestampFields[i] = fieldIndex(timestampFieldNames.get(i), "timestamp", all);
                }
                all.addAll(timestamp.problems());
            }
            int level = -1;
            if (levelField != null) {
                level = fieldIndex(levelField, "level", all);
            } else {
                for (int i = 0; i < fields.size(); i++) {
                    String name = fields.get(i).toLowerCase(Locale.ROOT);
                    if (name.equals("level") || name.equals("severity")) {
                        level = i;
                        break;
                    }
                }
            }
            int source = sourceField == null ? -1 : fieldIndex(sourceField, "source", all);
            if (!all.isEmpty() || pattern == null) {
                throw new ConfigurationException(all);
            }
            return new LogFormat(this, pattern, message, timestampFields, level, source);
        }

        private int fieldIndex(String name, String role, List<String> problems) {
            int index = fields.indexOf(name);
            if (index < 0) {
                problems.add("Format \"" + format + "\" has no field \"" + name + "\" for the " + role + " (it has "
                        + fields + ")");
            }
            return index;
        }
    }
}
