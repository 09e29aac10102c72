package dev.anomalyops.features.logs;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.anomalyops.core.ConfigurationException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Structured logs: one JSON object per line, with configurable field names for the timestamp, level, source
 * and message. A field name with dots is looked up as written first, then as a path into nested objects
 * ({@code log.level}). {@link #cloudWatch()} reads CloudWatch Logs events.
 *
 * <p>Every top-level field becomes a {@link LogRecord#fields() record field}: text as is, other values as their
 * JSON text. A line that is not a JSON object, lacks the message field or has an unreadable timestamp becomes a
 * {@link RejectedLine} with the reason.
 *
 * <pre>{@code
 * JsonLogFormat json = JsonLogFormat.builder()
 *         .timestamp("@timestamp", TimestampFormat.iso8601(ZoneOffset.UTC))
 *         .level("log.level").source("host.name").message("message")
 *         .build();
 * }</pre>
 *
 * <p>Immutable and thread-safe.
 */
public final class JsonLogFormat implements LogLineParser {
    /** Deeply nested documents are rejected by the parser rather than exhausting the stack; trailing text fails. */
    private static final ObjectMapper JSON = JsonMapper.builder(JsonFactory.builder()
                    .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(200).build())
                    .build())
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    private final @Nullable String timestampField;
    private final TimestampFormat timestamp;
    private final @Nullable String levelField;
    private final @Nullable String sourceField;
    private final String messageField;

    private JsonLogFormat(Builder builder) {
        this.timestampField = builder.timestampField;
        this.timestamp = builder.timestamp;
        this.levelField = builder.levelField;
        this.sourceField = builder.sourceField;
        this.messageField = builder.messageField;
    }

    /**
     * @return a builder with the defaults: timestamp in {@code timestamp} (epoch numbers or ISO 8601, UTC when
     *     no offset is written), level in {@code level}, message in {@code message}, no source
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * CloudWatch Logs events, as {@code FilterLogEvents}, {@code GetLogEvents} and exports write them:
     * {@code {"timestamp": 1700000000000, "message": "...", "logStreamName": "i-0abc", "ingestionTime": ...,
     * "eventId": "..."}}. The timestamp is epoch milliseconds, the source the log stream; {@code ingestionTime},
     * {@code eventId} and {@code logGroupName} stay in the record's fields. The message's own level, if any, is
     * not interpreted (parse the message with a {@link LogFormat} for that).
     *
     * @return the CloudWatch event format
     */
    public static JsonLogFormat cloudWatch() {
        return builder().timestamp("timestamp", TimestampFormat.epochMillis()).noLevel().source("logStreamName")
                .message("message").build();
    }

    @Override
    public LineOutcome parse(String line, long lineNumber) {
        Objects.requireNonNull(line, "line");
        String stripped = Chars.strip(line);
        JsonNode root;
        try {
            root = JSON.readTree(stripped);
        } catch (JsonProcessingException e) {
            return new RejectedLine(lineNumber, line, "Line " + lineNumber + " is not valid JSON: "
                    + Chars.abbreviate(String.valueOf(e.getOriginalMessage()), 200));
        }
        if (root == null || !root.isObject()) {
            return new RejectedLine(lineNumber, line, "Line " + lineNumber + " is not a JSON object (received "
                    + (root == null || root.isMissingNode() ? "nothing" : root.getNodeType().toString().toLowerCase(java.util.Locale.ROOT)) + ")");
        }
        JsonNode messageNode = lookup(root, messageField);
        if (messageNode == null || messageNode.isNull()) {
            return new RejectedLine(lineNumber, line, "Line " + lineNumber + " has no message field \"" + messageField + "\"");
        }
        Instant instant = null;
        if (timestampField != null) {
            JsonNode time = lookup(root, timestampField);
            if (time == null || time.isNull()) {
                return new RejectedLine(lineNumber, line, "Line " + lineNumber + " has no timestamp field \""
                        + timestampField + "\"");
            }
            try {
                instant = timestamp.parse(text(time));
            } catch (LogLineException e) {
                return new RejectedLine(lineNumber, line, "Line " + lineNumber + ": " + e.getMessage());
            }
        }
        LogLevel level = LogLevel.UNKNOWN;
        if (levelField != null) {
            JsonNode node = lookup(root, levelField);
            if (node != null && !node.isNull()) {
                level = LogLevel.parse(text(node));
            }
        }
        String source = "";
        if (sourceField != null) {
            JsonNode node = lookup(root, sourceField);
            if (node != null && !node.isNull()) {
                source = text(node);
            }
        }
        Map<String, String> fields = new LinkedHashMap<>();
        Iterator<Map.Entry<String, JsonNode>> iterator = root.fields();
        while (iterator.hasNext()) {
            Map.Entry<String, JsonNode> entry = iterator.next();
            fields.put(entry.getKey(), text(entry.getValue()));
        }
        return new LogRecord(lineNumber, 1, instant, level, source, text(messageNode), fields);
    }

    @Override
    public boolean joinsContinuationLines() {
        return false;
    }

    private static @Nullable JsonNode lookup(JsonNode root, String path) {
        JsonNode direct = root.get(path);
        if (direct != null || path.indexOf('.') < 0) {
            return direct;
        }
        JsonNode node = root;
        for (String part : path.split("\\.", -1)) {
            node = node.get(part);
            if (node == null) {
                return null;
            }
        }
        return node;
    }

    private static String text(JsonNode node) {
        return node.isValueNode() ? node.asText() : node.toString();
    }

    @Override
    public String toString() {
        return "JsonLogFormat[timestamp=" + timestampField + ", level=" + levelField + ", source=" + sourceField
                + ", message=" + messageField + "]";
    }

    /** Configures a {@link JsonLogFormat}. Not thread-safe. */
    public static final class Builder {
        private @Nullable String timestampField = "timestamp";
        private TimestampFormat timestamp = TimestampFormat.auto(ZoneOffset.UTC);
        private @Nullable String levelField = "level";
        private @Nullable String sourceField;
        private String messageField = "message";

        private Builder() {}

        /**
         * @param field the timestamp field
         * @param format how it is written
         * @return this builder
         */
        public Builder timestamp(String field, TimestampFormat format) {
            this.timestampField = Objects.requireNonNull(field, "field");
            this.timestamp = Objects.requireNonNull(format, "format");
            return this;
        }

        /** @return this builder, for logs without a timestamp (records get none) */
        public Builder noTimestamp() {
            this.timestampField = null;
            return this;
        }

        /**
         * @param field the level field
         * @return this builder
         */
        public Builder level(String field) {
            this.levelField = Objects.requireNonNull(field, "field");
            return this;
        }

        /** @return this builder, for logs without a level (records get {@link LogLevel#UNKNOWN}) */
        public Builder noLevel() {
            this.levelField = null;
            return this;
        }

        /**
         * @param field the field naming the instance, host or stream
         * @return this builder
         */
        public Builder source(String field) {
            this.sourceField = Objects.requireNonNull(field, "field");
            return this;
        }

        /**
         * @param field the message field
         * @return this builder
         */
        public Builder message(String field) {
            this.messageField = Objects.requireNonNull(field, "field");
            return this;
        }

        /**
         * @return the format
         * @throws ConfigurationException listing every problem
         */
        public JsonLogFormat build() {
            List<String> problems = new ArrayList<>(timestamp.problems());
            for (String field : new String[] {timestampField, levelField, sourceField, messageField}) {
                if (field != null && field.isBlank()) {
                    problems.add("JSON field names must not be blank");
                    break;
                }
            }
            if (!problems.isEmpty()) {
                throw new ConfigurationException(problems);
            }
            return new JsonLogFormat(this);
        }
    }
}
