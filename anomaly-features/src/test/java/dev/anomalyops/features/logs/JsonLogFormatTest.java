package dev.anomalyops.features.logs;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class JsonLogFormatTest {
    @Test
    void cloudWatchEventsUseEpochMillisAndTheLogStreamAsSource() {
        LogRecord record = JsonLogFormat.cloudWatch().parse("{\"timestamp\": 1700000000123, \"message\": \"ERROR Connection reset\","
                + " \"logStreamName\": \"i-0abc123\", \"ingestionTime\": 1700000000456, \"eventId\": \"3780\"}", 7).record();
        assertThat(record.timestamp()).isEqualTo(Instant.ofEpochMilli(1700000000123L));
        assertThat(record.source()).isEqualTo("i-0abc123");
        assertThat(record.message()).isEqualTo("ERROR Connection reset");
        assertThat(record.level()).isEqualTo(LogLevel.UNKNOWN);
        assertThat(record.fields()).containsEntry("ingestionTime", "1700000000456").containsEntry("eventId", "3780");
        assertThat(record.lineNumber()).isEqualTo(7);
    }

    @Test
    void fieldNamesAreConfigurableAndMayBeNestedPaths() {
        JsonLogFormat format = JsonLogFormat.builder()
                .timestamp("@timestamp", TimestampFormat.iso8601(ZoneOffset.UTC))
                .level("log.level").source("host.name").message("msg")
                .build();
        LogRecord record = format.parse("{\"@timestamp\":\"2024-03-01T10:00:00.5+01:00\",\"log\":{\"level\":\"warning\"},"
                + "\"host\":{\"name\":\"web-1\"},\"msg\":\"slow request\",\"took\":1.5,\"tags\":[\"a\"]}", 1).record();
        assertThat(record.timestamp()).isEqualTo(Instant.parse("2024-03-01T09:00:00.500Z"));
        assertThat(record.level()).isEqualTo(LogLevel.WARN);
        assertThat(record.source()).isEqualTo("web-1");
        assertThat(record.message()).isEqualTo("slow request");
        assertThat(record.fields()).containsEntry("took", "1.5").containsEntry("tags", "[\"a\"]")
                .containsEntry("log", "{\"level\":\"warning\"}");
    }

    @Test
    void aDottedNameThatExistsAsWrittenIsTakenAsWritten() {
        JsonLogFormat format = JsonLogFormat.builder().noTimestamp().level("log.level").build();
        assertThat(format.parse("{\"log.level\":\"error\",\"message\":\"x\"}", 1).record().level()).isEqualTo(LogLevel.ERROR);
    }

    @Test
    void linesThatCannotBeRecordsAreRejectedWithTheReason() {
        JsonLogFormat format = JsonLogFormat.builder().build();
        assertThat(format.parse("not json", 1).rejection().reason()).startsWith("Line 1 is not valid JSON");
        assertThat(format.parse("[1, 2]", 2).rejection().reason()).isEqualTo("Line 2 is not a JSON object (received array)");
        assertThat(format.parse("{\"timestamp\": 1}", 3).rejection().reason()).isEqualTo("Line 3 has no message field \"message\"");
        assertThat(format.parse("{\"message\": \"m\"}", 4).rejection().reason()).isEqualTo("Line 4 has no timestamp field \"timestamp\"");
        assertThat(format.parse("{\"message\": \"m\", \"timestamp\": \"tomorrow\"}", 5).rejection().reason())
                .startsWith("Line 5: Timestamp \"tomorrow\"");
        assertThat(format.parse("{\"message\": \"m\", \"timestamp\": 1} trailing", 6).parsed()).isFalse();
        assertThat(format.parse("", 7).parsed()).isFalse();
        assertThat(format.parse("[".repeat(5000), 8).parsed()).as("deep nesting is refused, not a stack overflow").isFalse();
        assertThat(format.joinsContinuationLines()).isFalse();
    }
}
