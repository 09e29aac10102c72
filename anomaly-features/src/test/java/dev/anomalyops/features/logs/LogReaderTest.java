package dev.anomalyops.features.logs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.anomalyops.core.ConfigurationException;
import java.io.ByteArrayInputStream;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class LogReaderTest {
    private final LogFormat format = LogFormats.log4j(ZoneOffset.UTC);
    private final List<LogRecord> records = new ArrayList<>();
    private final List<RejectedLine> quarantine = new ArrayList<>();

    @Test
    void aStackTraceIsJoinedToTheLineItBelongsTo() {
        String log = String.join("\n",
                "2024-05-06 12:00:01,250 [main] ERROR com.example.App - request failed",
                "java.lang.IllegalStateException: boom",
                "\tat com.example.App.handle(App.java:42)",
                "\tat com.example.App.main(App.java:7)",
                "Caused by: java.io.IOException: disk",
                "\t... 2 more",
                "2024-05-06 12:00:02,000 [main] INFO  com.example.App - next request");
        ReadSummary summary = LogReader.builder(format).build().read(new StringReader(log), records::add, quarantine::add);
        assertThat(records).hasSize(2);
        LogRecord failed = records.get(0);
        assertThat(failed.lines()).isEqualTo(5);
        assertThat(failed.message()).isEqualTo("request failed\n\tat com.example.App.handle(App.java:42)\n"
                + "\tat com.example.App.main(App.java:7)\nCaused by: java.io.IOException: disk\n\t... 2 more");
        assertThat(failed.firstLine()).isEqualTo("request failed");
        assertThat(quarantine).singleElement().satisfies(rejected -> {
            assertThat(rejected.lineNumber()).isEqualTo(2);
            assertThat(rejected.line()).isEqualTo("java.lang.IllegalStateException: boom");
            assertThat(rejected.reason()).contains("does not match the format");
        });
        assertThat(summary).isEqualTo(new ReadSummary(7, 2, 4, 1));
    }

    @Test
    void joiningEveryUnparsedLineIsAnOption() {
        String log = "2024-05-06 12:00:01,250 [main] ERROR com.example.App - request failed\n"
                + "java.lang.IllegalStateException: boom\n\tat x.y(Z.java:1)";
        ReadSummary summary = LogReader.builder(format).joinUnparsedLines(true).build()
                .read(new StringReader(log), records::add, quarantine::add);
        assertThat(records).singleElement().extracting(LogRecord::lines).isEqualTo(3);
        assertThat(quarantine).isEmpty();
        assertThat(summary.continuationLines()).isEqualTo(2);
    }

    @Test
    void withoutMultilineEveryLineStandsAlone() {
        String log = "2024-05-06 12:00:01,250 [main] ERROR com.example.App - request failed\n\tat x.y(Z.java:1)";
        LogReader.builder(format).multiline(false).build().read(new StringReader(log), records::add, quarantine::add);
        assertThat(records).hasSize(1);
        assertThat(quarantine).hasSize(1);
    }

    @Test
    void continuationsBeyondTheLimitAndLongAndBlankLinesGoToTheQuarantineWhole() {
        String longLine = "x".repeat(100);
        String log = String.join("\r\n", "2024-05-06 12:00:01,250 [main] ERROR com.example.App - failed", "\tat a",
                "\tat b", "\tat c", "", longLine, "  ");
        ReadSummary summary = LogReader.builder(format).maxRecordLines(3).maxLineLength(80).build()
                .read(new StringReader(log), records::add, quarantine::add);
        assertThat(records).singleElement().extracting(LogRecord::lines).isEqualTo(3);
        assertThat(quarantine).extracting(RejectedLine::lineNumber).containsExactly(4L, 5L, 6L, 7L);
        assertThat(quarantine.get(0).reason()).contains("already has the most lines allowed (3)");
        assertThat(quarantine.get(1).reason()).isEqualTo("Line 5 is blank");
        assertThat(quarantine.get(2).reason()).isEqualTo("Line 6 is 100 characters long, more than the limit of 80");
        assertThat(quarantine.get(2).line()).isEqualTo(longLine);
        assertThat(summary).isEqualTo(new ReadSummary(7, 1, 2, 4));
    }

    @Test
    void invalidUtf8IsReadAsReplacementCharactersNotDropped() {
        byte[] bytes = "2024-05-06 12:00:01,250 [main] INFO  a.B - caf\u00e9 \u0000 ok\nbad \u00ff\n".getBytes(StandardCharsets.ISO_8859_1);
        ReadSummary summary = LogReader.builder(format).build()
                .read(new ByteArrayInputStream(bytes), records::add, quarantine::add);
        assertThat(records).singleElement().extracting(LogRecord::message).asString().contains("caf\ufffd");
        assertThat(quarantine).singleElement().extracting(RejectedLine::line).isEqualTo("bad \ufffd");
        assertThat(summary.lines()).isEqualTo(2);
    }

    @Test
    void aSessionTakesLinesOneAtATime() {
        LogReader.Session session = LogReader.builder(JsonLogFormat.cloudWatch()).build().session(records::add, quarantine::add);
        session.accept("{\"timestamp\":1,\"message\":\"a\",\"logStreamName\":\"s\"}");
        assertThat(records).as("held until the next record, continuation lines may follow").isEmpty();
        session.accept("  not json");
        assertThat(quarantine).as("JSON lines are never joined").hasSize(1);
        session.accept("{\"timestamp\":2,\"message\":\"b\",\"logStreamName\":\"s\"}");
        assertThat(records).hasSize(1);
        assertThat(session.finish()).isEqualTo(new ReadSummary(3, 2, 0, 1));
        assertThat(records).hasSize(2);
        assertThatThrownBy(() -> session.accept("x")).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void theContinuationPatternIsConfigurable() {
        String log = "2024-05-06 12:00:01,250 [main] ERROR a.B - failed\n| detail 1\n| detail 2";
        LogReader.builder(format).continuation(Pattern.compile("^\\|")).build()
                .read(new StringReader(log), records::add, quarantine::add);
        assertThat(records).singleElement().extracting(LogRecord::message).isEqualTo("failed\n| detail 1\n| detail 2");
    }

    @Test
    void invalidSettingsAreReportedTogether() {
        assertThatThrownBy(() -> LogReader.builder(format).maxRecordLines(0).maxLineLength(0).build())
                .isInstanceOfSatisfying(ConfigurationException.class, e -> assertThat(e.violations()).hasSize(2));
    }
}
