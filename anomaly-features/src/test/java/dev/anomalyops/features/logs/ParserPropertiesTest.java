package dev.anomalyops.features.logs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;

/**
 * Fuzzing the parsers: random text, mutated real lines, very long lines, invalid UTF-8 and empty input give a
 * record or a rejection with a reason, and the reader accounts for every line. Nothing else may escape (the
 * only documented exceptions are for misuse such as null arguments).
 */
@net.jqwik.api.lifecycle.AddLifecycleHook(dev.anomalyops.core.testing.FuzzBudget.class)
class ParserPropertiesTest {
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2024-08-01T00:00:00Z"), ZoneOffset.UTC);
    private static final List<LogLineParser> PARSERS = List.of(
            LogFormats.hdfs(ZoneOffset.UTC), LogFormats.bgl(), LogFormats.openSsh(ZoneOffset.UTC, CLOCK),
            LogFormats.spark(ZoneOffset.UTC), LogFormats.zookeeper(ZoneOffset.UTC), LogFormats.hadoop(ZoneOffset.UTC),
            LogFormats.syslogRfc3164(ZoneOffset.UTC, CLOCK), LogFormats.syslogRfc5424(), LogFormats.apacheAccess(),
            LogFormats.apacheError(ZoneOffset.UTC), LogFormats.log4j(ZoneOffset.UTC),
            LogFormats.log4j2Default(ZoneOffset.UTC, LocalDate.of(2024, 1, 1)),
            LogFormat.of("<Month> <Date> <Time> <Level> <Component>(\\[<PID>\\])?: <Content>"),
            LogFormat.of("<Date> <Time>, <Level>                  <Component>    <Content>"),
            LogFormat.of("<Time>\\|<Component>\\|<Pid>\\|<Content>"),
            JsonLogFormat.builder().build(), JsonLogFormat.cloudWatch());

    private static final List<String> SAMPLES = List.of(
            "081109 203615 148 INFO dfs.DataNode$PacketResponder: PacketResponder 1 for block blk_38865049064139660 terminating",
            "- 1117838570 2005.06.03 R02-M1-N0-C:J12-U11 2005-06-03-15.42.50.675872 R02-M1-N0-C:J12-U11 RAS KERNEL INFO instruction cache parity error corrected",
            "Dec 10 06:55:46 LabSZ sshd[24200]: Invalid user webmaster from 173.234.31.186",
            "<34>Oct 11 22:14:15 mymachine su: 'su root' failed for lonvick on /dev/pts/8",
            "<165>1 2003-10-11T22:14:15.003Z host app - ID47 [a@1 b=\"c\"] message",
            "127.0.0.1 - frank [10/Oct/2000:13:55:36 -0700] \"GET /a.gif HTTP/1.0\" 200 2326 \"-\" \"Mozilla\"",
            "2024-05-06 12:00:01,250 [main] WARN  com.example.Service - cache miss",
            "{\"timestamp\": 1700000000123, \"message\": \"hello\", \"logStreamName\": \"i-1\", \"level\": \"INFO\"}");

    private static void checkOutcome(LineOutcome outcome, String line, long number) {
        if (outcome.parsed()) {
            LogRecord record = outcome.record();
            assertThat(record.lineNumber()).isEqualTo(number);
            assertThat(record.message()).isNotNull();
            assertThat(record.fields()).doesNotContainValue(null);
        } else {
            RejectedLine rejected = outcome.rejection();
            assertThat(rejected.line()).isSameAs(line);
            assertThat(rejected.reason()).isNotBlank();
        }
    }

    @Property(tries = 300)
    void anyTextGivesARecordOrAReason(@ForAll("anyText") String line) {
        for (LogLineParser parser : PARSERS) {
            checkOutcome(parser.parse(line, 9), line, 9);
        }
    }

    @Property(tries = 300)
    void mutatedRealLinesGiveARecordOrAReason(@ForAll("mutatedLines") String line) {
        for (LogLineParser parser : PARSERS) {
            checkOutcome(parser.parse(line, 1), line, 1);
        }
    }

    @Property(tries = 8)
    void veryLongLinesAreHandledWithoutRunningAway(@ForAll("longLines") String line) {
        for (LogLineParser parser : PARSERS) {
            checkOutcome(parser.parse(line, 1), line, 1);
        }
        List<RejectedLine> quarantine = new ArrayList<>();
        ReadSummary summary = LogReader.builder(PARSERS.get(0)).build()
                .read(List.of(line, SAMPLES.get(0)), r -> { }, quarantine::add);
        assertThat(summary.lines()).isEqualTo(2);
    }

    @Example
    void aLongLineThatAlmostMatchesIsRejectedByTheMatchingBudgetNotAfterHours() {
        // Lazy groups separated by whitespace, and no "[" for the Process field: classic catastrophic backtracking.
        String line = "2015-10-18 18:01:47,978 INFO " + "x ".repeat(20_000) + "end";
        LineOutcome outcome = LogFormats.hadoop(ZoneOffset.UTC).parse(line, 1);
        assertThat(outcome.parsed()).isFalse();
    }

    @Property(tries = 200)
    void theReaderAccountsForEveryLineOfAnyBytes(@ForAll @Size(max = 2000) byte[] bytes) {
        for (LogLineParser parser : List.of(PARSERS.get(0), PARSERS.get(10), PARSERS.get(15))) {
            List<LogRecord> records = new ArrayList<>();
            List<RejectedLine> quarantine = new ArrayList<>();
            ReadSummary summary = LogReader.builder(parser).build()
                    .read(new ByteArrayInputStream(bytes), records::add, quarantine::add);
            assertThat(summary.records()).isEqualTo(records.size());
            assertThat(summary.rejected()).isEqualTo(quarantine.size());
            long recordLines = records.stream().mapToLong(LogRecord::lines).sum();
            assertThat(recordLines + quarantine.size()).isEqualTo(summary.lines());
            assertThat(quarantine).extracting(RejectedLine::lineNumber).doesNotHaveDuplicates()
                    .allMatch(n -> n >= 1 && n <= summary.lines());
        }
    }

    @Property(tries = 100)
    void theReaderAccountsForEveryLineOfMixedLogs(@ForAll("mixedLogs") List<String> lines) {
        List<LogRecord> records = new ArrayList<>();
        List<RejectedLine> quarantine = new ArrayList<>();
        ReadSummary summary = LogReader.builder(PARSERS.get(10)).maxRecordLines(3).build()
                .read(lines, records::add, quarantine::add);
        assertThat(summary.lines()).isEqualTo(lines.size());
        assertThat(records.stream().mapToLong(LogRecord::lines).sum() + quarantine.size()).isEqualTo(lines.size());
        for (RejectedLine rejected : quarantine) {
            assertThat(rejected.line()).isEqualTo(lines.get((int) rejected.lineNumber() - 1));
        }
    }

    @Example
    void emptyInputGivesNothingAndSaysSo() {
        List<LogRecord> records = new ArrayList<>();
        ReadSummary summary = LogReader.builder(PARSERS.get(0)).build()
                .read(new ByteArrayInputStream(new byte[0]), records::add, r -> { });
        assertThat(summary).isEqualTo(new ReadSummary(0, 0, 0, 0));
        assertThat(records).isEmpty();
        for (LogLineParser parser : PARSERS) {
            checkOutcome(parser.parse("", 1), "", 1);
        }
    }

    @Provide
    Arbitrary<String> anyText() {
        return Arbitraries.oneOf(
                Arbitraries.strings().all().ofMaxLength(300),
                Arbitraries.strings().withChars(" \t[]{}()<>:|,\"'\\/-=0123456789abcXYZ").ofMaxLength(200),
                Arbitraries.strings().withCharRange('\ud800', '\udfff').ofMaxLength(20));
    }

    @Provide
    Arbitrary<String> mutatedLines() {
        Arbitrary<String> sample = Arbitraries.of(SAMPLES);
        Arbitrary<Integer> position = Arbitraries.integers().between(0, 400);
        Arbitrary<String> insert = Arbitraries.strings().all().ofMaxLength(8);
        Arbitrary<Integer> cut = Arbitraries.integers().between(0, 20);
        return Combinators.combine(sample, position, insert, cut).as((line, at, text, remove) -> {
            int index = Math.min(at, line.length());
            int end = Math.min(line.length(), index + remove);
            return line.substring(0, index) + text + line.substring(end);
        });
    }

    @Provide
    Arbitrary<String> longLines() {
        Arbitrary<String> unit = Arbitraries.of("a", " ", "1", "[", "blk_1 ", "{\"a\":", "x".repeat(50), "\u00e9", "/p/q ");
        return Combinators.combine(Arbitraries.of(SAMPLES), unit, Arbitraries.integers().between(5_000, 70_000))
                .as((line, piece, length) -> line + piece.repeat(length / piece.length()));
    }

    @Provide
    Arbitrary<List<String>> mixedLogs() {
        Arbitrary<String> line = Arbitraries.oneOf(
                Arbitraries.of("2024-05-06 12:00:01,250 [main] ERROR a.B - failed", "\tat x.y(Z.java:1)",
                        "Caused by: java.io.IOException", "\t... 3 more", "", "garbage"),
                Arbitraries.strings().all().ofMaxLength(40));
        return line.list().ofMaxSize(40);
    }
}
