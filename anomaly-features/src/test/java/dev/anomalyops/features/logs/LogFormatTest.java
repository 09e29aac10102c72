package dev.anomalyops.features.logs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.anomalyops.core.ConfigurationException;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class LogFormatTest {
    @Test
    void fieldsCaptureLazilyAndTheContentTakesTheRest() {
        LogFormat format = LogFormat.of("<Date> <Time> <Level> <Component>: <Content>");
        LogRecord record = format.parse("17/06/09 20:10:40 INFO spark.SecurityManager: Changing view acls to: yarn,curi", 3)
                .record();
        assertThat(record.fields()).containsExactly(
                java.util.Map.entry("Date", "17/06/09"), java.util.Map.entry("Time", "20:10:40"),
                java.util.Map.entry("Level", "INFO"), java.util.Map.entry("Component", "spark.SecurityManager"),
                java.util.Map.entry("Content", "Changing view acls to: yarn,curi"));
        assertThat(record.message()).isEqualTo("Changing view acls to: yarn,curi");
        assertThat(record.level()).isEqualTo(LogLevel.INFO);
        assertThat(record.lineNumber()).isEqualTo(3);
        assertThat(record.timestamp()).isNull();
        assertThat(format.fields()).containsExactly("Date", "Time", "Level", "Component", "Content");
    }

    @Test
    void aRunOfSpacesMatchesAnyWhitespaceAndTheLineIsStripped() {
        LogFormat format = LogFormat.of("<Date> <Time>, <Level>                  <Component>    <Content>");
        LogRecord record = format.parse("  2016-09-28 04:30:30, Info\t CBS  Loaded Servicing Stack v6.1 \r", 1).record();
        assertThat(record.fields().get("Level")).isEqualTo("Info");
        assertThat(record.fields().get("Component")).isEqualTo("CBS");
        assertThat(record.message()).isEqualTo("Loaded Servicing Stack v6.1");
    }

    @Test
    void everythingElseIsARegularExpressionFragment() {
        LogFormat syslogLike = LogFormat.of("<Month> <Date> <Time> <Level> <Component>(\\[<PID>\\])?: <Content>");
        LogRecord withPid = syslogLike.parse("Jun 14 15:16:01 combo sshd(pam_unix)[19939]: check pass; user unknown", 1).record();
        assertThat(withPid.fields().get("Component")).isEqualTo("sshd(pam_unix)");
        assertThat(withPid.fields().get("PID")).isEqualTo("19939");
        LogRecord without = syslogLike.parse("Jun 14 15:16:02 combo su: session opened", 2).record();
        assertThat(without.fields().get("Component")).isEqualTo("su");
        assertThat(without.fields().get("PID")).isEmpty();

        LogFormat pipes = LogFormat.of("<Time>\\|<Component>\\|<Pid>\\|<Content>");
        LogRecord health = pipes.parse("20171223-22:15:29:606|Step_LSC|30002312|onStandStepChanged 3579", 1).record();
        assertThat(health.fields()).containsEntry("Component", "Step_LSC").containsEntry("Pid", "30002312");
        assertThat(health.message()).isEqualTo("onStandStepChanged 3579");

        LogFormat optionalGroup = LogFormat.of("<Month>  <Date> <Time> <User> <Component>\\[<PID>\\]( \\(<Address>\\))?: <Content>");
        LogRecord mac = optionalGroup.parse("Jul  1 09:00:55 calvisitor-10-105-160-95 kernel[0]: IOThunderboltSwitch<0>(0x0)::listenerCallback", 1)
                .record();
        assertThat(mac.fields().get("User")).isEqualTo("calvisitor-10-105-160-95");
        assertThat(mac.message()).isEqualTo("IOThunderboltSwitch<0>(0x0)::listenerCallback");
    }

    @Test
    void aLineThatDoesNotMatchIsRejectedWithTheReasonAndKeptWhole() {
        LogFormat format = LogFormat.of("\\[<Time>\\] \\[<Level>\\] <Content>");
        RejectedLine rejected = format.parse("not an apache line", 12).rejection();
        assertThat(rejected.line()).isEqualTo("not an apache line");
        assertThat(rejected.lineNumber()).isEqualTo(12);
        assertThat(rejected.reason()).isEqualTo("Line 12 does not match the format \"\\[<Time>\\] \\[<Level>\\] <Content>\"");
        assertThat(rejected.parsed()).isFalse();
    }

    @Test
    void timestampLevelAndSourceComeFromTheNamedFields() {
        LogFormat format = LogFormat.builder("<Date> <Time> <Host> <Severity> <Content>")
                .timestamp(TimestampFormat.pattern("yyyy-MM-dd HH:mm:ss", ZoneOffset.ofHours(2)), "Date", "Time")
                .source("Host")
                .build();
        LogRecord record = format.parse("2024-03-01 10:00:00 web-1 warning disk almost full", 1).record();
        assertThat(record.timestamp()).isEqualTo(Instant.parse("2024-03-01T08:00:00Z"));
        assertThat(record.level()).isEqualTo(LogLevel.WARN);
        assertThat(record.source()).isEqualTo("web-1");

        RejectedLine badTime = format.parse("2024-13-01 10:00:00 web-1 warning x", 2).rejection();
        assertThat(badTime.reason()).startsWith("Line 2: Timestamp \"2024-13-01 10:00:00\"");
    }

    @Test
    void regexFormatsNameTheirFieldsWithNamedGroups() {
        LogFormat format = LogFormat.regexBuilder("(?<status>\\d{3}) (?<path>\\S+) (?<message>.*)").levelFromHttpStatus("status").build();
        LogRecord record = format.parse("503 /api upstream timed out", 1).record();
        assertThat(record.level()).isEqualTo(LogLevel.ERROR);
        assertThat(record.message()).isEqualTo("upstream timed out");
        assertThat(format.messageField()).isEqualTo("message");
    }

    @Test
    void everyProblemOfAFormatIsReportedAtOnce() {
        assertThatThrownBy(() -> LogFormat.builder("<Date> <Date> (<Content>")
                .timestamp(TimestampFormat.pattern("qqqq-bad-'", ZoneOffset.UTC), "Stamp")
                .level("Lvl").source("Host").build())
                .isInstanceOfSatisfying(ConfigurationException.class, e -> assertThat(e.violations())
                        .anyMatch(v -> v.contains("names field \"Date\" twice"))
                        .anyMatch(v -> v.contains("not a valid regular expression"))
                        .anyMatch(v -> v.contains("no field \"Stamp\" for the timestamp"))
                        .anyMatch(v -> v.contains("Timestamp pattern \"qqqq-bad-'\" is invalid"))
                        .anyMatch(v -> v.contains("no field \"Lvl\" for the level"))
                        .anyMatch(v -> v.contains("no field \"Host\" for the source")));
        assertThatThrownBy(() -> LogFormat.of("<Date> <Time>")).isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("no field \"Content\" for the message");
        assertThatThrownBy(() -> LogFormat.of("plain text")).isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("has no field");
        assertThatThrownBy(() -> LogFormat.regexBuilder("(\\d+) (.*)").build()).isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("has no named group");
    }

    @Test
    void levelsAreNormalisedAcrossConventions() {
        assertThat(LogLevel.parse(" warning ")).isEqualTo(LogLevel.WARN);
        assertThat(LogLevel.parse("E")).isEqualTo(LogLevel.ERROR);
        assertThat(LogLevel.parse("SEVERE")).isEqualTo(LogLevel.ERROR);
        assertThat(LogLevel.parse("notice")).isEqualTo(LogLevel.INFO);
        assertThat(LogLevel.parse("crit")).isEqualTo(LogLevel.FATAL);
        assertThat(LogLevel.parse("V")).isEqualTo(LogLevel.TRACE);
        assertThat(LogLevel.parse("chatty")).isEqualTo(LogLevel.UNKNOWN);
        assertThat(LogLevel.parse(null)).isEqualTo(LogLevel.UNKNOWN);
        assertThat(LogLevel.ofSyslogPriority(34)).isEqualTo(LogLevel.FATAL);
        assertThat(LogLevel.ofSyslogPriority(13)).isEqualTo(LogLevel.INFO);
        assertThat(LogLevel.ofSyslogPriority(11)).isEqualTo(LogLevel.ERROR);
        assertThat(LogLevel.ofSyslogPriority(15)).isEqualTo(LogLevel.DEBUG);
        assertThatThrownBy(() -> LogLevel.ofSyslogPriority(192)).isInstanceOf(IllegalArgumentException.class);
        assertThat(LogLevel.ofHttpStatus(404)).isEqualTo(LogLevel.WARN);
        assertThat(LogLevel.ofHttpStatus(200)).isEqualTo(LogLevel.INFO);
    }
}
