package dev.anomalyops.features.logs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.anomalyops.core.AnomalyOpsException;
import dev.anomalyops.core.ConfigurationException;
import dev.anomalyops.core.testing.FuzzBudget;
import dev.anomalyops.core.testing.Mutations;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.lifecycle.AddLifecycleHook;

/**
 * More hostile input for the log parsers, next to {@link ParserPropertiesTest}: JSON log lines built to hurt a
 * parser (deep nesting, megabyte strings and numbers, duplicate keys, every JSON type where a string belongs),
 * whole streams of mutated log bytes through the {@link LogReader}, and user-written format strings and regular
 * expressions (configuration, so hostile too) for {@link LogFormat}. Properties: every line gives a record or a
 * rejection with a reason within a time bound, the reader accounts for every line, and a bad format is a {@link
 * ConfigurationException}, never a {@code PatternSyntaxException} or another JDK exception. Tries scale with
 * {@code -Danomalyops.fuzz.scale}.
 */
@AddLifecycleHook(FuzzBudget.class)
class LogParsersFuzzTest {
    private static final List<LogLineParser> JSON_PARSERS = List.of(JsonLogFormat.builder().build(),
            JsonLogFormat.cloudWatch());
    private static final List<String> JSON_SEEDS = List.of(
            "{\"timestamp\": 1700000000123, \"message\": \"hello\", \"logStreamName\": \"i-1\", \"level\": \"INFO\"}",
            "{\"@timestamp\":\"2024-05-06T12:00:01.250Z\",\"level\":\"ERROR\",\"logger\":\"a.B\",\"message\":\"failed\","
                    + "\"context\":{\"user\":\"u\",\"n\":[1,2,{\"x\":null}]}}");

    @Provide
    Arbitrary<String> jsonLines() {
        Arbitrary<String> values = Arbitraries.of("null", "true", "1", "-0", "1e999", "[]", "{}", "[1,[2,[3]]]",
                "{\"a\":{\"b\":{}}}", "\"\"", "\"\\u0000\"", "\"\\ud800\"", "12345678901234567890123",
                "\"2024-13-45T99:99:99Z\"", "-1", "9999999999999999", "\"NaN\"", "NaN");
        Arbitrary<String> built = net.jqwik.api.Combinators.combine(
                Arbitraries.of("timestamp", "message", "level", "logStreamName", "@timestamp", "x", "message"),
                values).as((k, v) -> "\"" + k + "\":" + v).list().ofMaxSize(8)
                .map(fields -> "{" + String.join(",", fields) + "}");
        Arbitrary<String> hostile = Arbitraries.of(
                "{\"message\":" + "[".repeat(50_000) + "]".repeat(50_000) + "}",
                "{\"message\":\"" + "x".repeat(3 << 20) + "\"}",
                "{\"message\":\"m\",\"timestamp\":" + "9".repeat(100_000) + "}",
                "{\"message\":\"m\",\"message\":\"n\"}",
                "{\"message\":\"m\"} {\"message\":\"n\"}",
                "{\"message\":\"m\"," + "\"k\":1,".repeat(100_000) + "\"z\":0}");
        Arbitrary<String> mutated = Mutations.of(JSON_SEEDS.stream().map(s -> s.getBytes(StandardCharsets.UTF_8))
                .toList(), 6).map(b -> new String(b, StandardCharsets.UTF_8));
        return Arbitraries.frequencyOf(Tuple.of(4, built), Tuple.of(4, mutated), Tuple.of(1, hostile));
    }

    @Property(tries = 600)
    void jsonLinesGiveARecordOrAReason(@ForAll("jsonLines") String line) {
        for (LogLineParser parser : JSON_PARSERS) {
            long start = System.nanoTime();
            LineOutcome outcome = parser.parse(line, 3);
            assertThat((System.nanoTime() - start) / 1_000_000).as("milliseconds for one line").isLessThan(5_000);
            if (outcome.parsed()) {
                assertThat(outcome.record().message()).isNotNull();
                assertThat(outcome.record().fields()).doesNotContainValue(null);
            } else {
                assertThat(outcome.rejection().reason()).isNotBlank();
                assertThat(outcome.rejection().reason().length()).isLessThan(2_000);
            }
        }
    }

    @Provide
    Arbitrary<byte[]> logStreams() {
        List<byte[]> seeds = List.of(("2024-05-06 12:00:01,250 [main] ERROR a.B - failed\n\tat x.y(Z.java:1)\n"
                + "Caused by: java.io.IOException: boom\n\t... 3 more\n2024-05-06 12:00:02,000 [main] INFO a.B - ok\n")
                .getBytes(StandardCharsets.UTF_8), (String.join("\n", JSON_SEEDS) + "\n").getBytes(StandardCharsets.UTF_8));
        return Arbitraries.frequencyOf(Tuple.of(6, Mutations.of(seeds, 10)),
                Tuple.of(1, Arbitraries.of(new byte[] {'\r'}, new byte[] {'\n', '\n', '\r', '\n'}, "\u0000\n".repeat(2_000)
                        .getBytes(StandardCharsets.UTF_8), ("a".repeat(300_000) + "\n").getBytes(StandardCharsets.UTF_8),
                        ("\tat x\n".repeat(2_000)).getBytes(StandardCharsets.UTF_8))));
    }

    @Property(tries = 80)
    void theReaderAccountsForEveryLineOfMutatedStreams(@ForAll("logStreams") byte[] bytes) {
        for (LogLineParser parser : List.of(LogFormats.log4j(ZoneOffset.UTC), JSON_PARSERS.get(0))) {
            List<LogRecord> records = new ArrayList<>();
            List<RejectedLine> quarantine = new ArrayList<>();
            ReadSummary summary = LogReader.builder(parser).maxRecordLines(50).maxLineLength(100_000).build()
                    .read(new ByteArrayInputStream(bytes), records::add, quarantine::add);
            assertThat(records.stream().mapToLong(LogRecord::lines).sum() + quarantine.size())
                    .isEqualTo(summary.lines());
            assertThat(quarantine).allSatisfy(r -> assertThat(r.reason()).isNotBlank());
        }
    }

    @Example
    void aLineOfHundredsOfMegabytesIsQuarantinedWithoutReadingItIntoMemory() {
        long size = 128L << 20;
        java.io.InputStream endless = new java.io.InputStream() {
            private long left = size;

            @Override
            public int read() {
                return left-- > 0 ? 'a' : -1;
            }

            @Override
            public int read(byte[] b, int off, int len) {
                if (left <= 0) {
                    return -1;
                }
                int n = (int) Math.min(len, left);
                java.util.Arrays.fill(b, off, off + n, (byte) 'a');
                left -= n;
                return n;
            }
        };
        List<RejectedLine> quarantine = new ArrayList<>();
        long thread = Thread.currentThread().getId();
        var threads = (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        long before = threads.getThreadAllocatedBytes(thread);
        ReadSummary summary = LogReader.builder(LogFormats.log4j(ZoneOffset.UTC)).build()
                .read(new java.io.SequenceInputStream(endless, new ByteArrayInputStream(
                        "\n2024-05-06 12:00:01,250 [main] INFO a.B - after\n".getBytes(StandardCharsets.UTF_8))),
                        r -> { }, quarantine::add);
        long allocated = threads.getThreadAllocatedBytes(thread) - before;
        assertThat(summary.lines()).isEqualTo(2);
        assertThat(summary.records()).isEqualTo(1);
        assertThat(quarantine).singleElement().satisfies(r -> {
            assertThat(r.line()).hasSize(LogReader.QUARANTINE_LINE_CHARACTERS);
            assertThat(r.reason()).contains(Long.toString(size)).contains("limit of 65536")
                    .contains("keeps its first " + LogReader.QUARANTINE_LINE_CHARACTERS);
        });
        // Decoding a gigabyte allocates its buffers over and over, but never anything near the line's size at once.
        assertThat(allocated).isLessThan(size);
    }

    @Example
    void lineEndingsAreCountedAsBeforeAcrossBufferBoundaries() {
        for (int pad : new int[] {0, 1, 65_535, 65_536, 65_537}) {
            String text = "x".repeat(pad) + "\r\n\r\n\rb\r\rc\n\nd";
            List<String> seen = new ArrayList<>();
            ReadSummary summary = LogReader.builder(LogFormats.log4j(ZoneOffset.UTC)).maxLineLength(200_000).build()
                    .read(new java.io.StringReader(text), r -> { }, q -> seen.add(q.line()));
            List<String> expected = new java.io.BufferedReader(new java.io.StringReader(text)).lines().toList();
            assertThat(seen).containsExactlyElementsOf(expected);
            assertThat(summary.lines()).isEqualTo(expected.size());
        }
    }

    @Provide
    Arbitrary<String> formats() {
        Arbitrary<String> piece = Arbitraries.of("<Date>", "<Time>", "<Level>", "<Content>", "<Component>", "<Pid>",
                "<>", "<<Content>>", "<Con tent>", "<Level>", " ", "  ", ":", "[", "]", "(", ")", "\\", "\\[", "*", "+",
                "?", "{2}", "{99999999999}", "(?<x>", "(?<Content>.*)", "\\Q", "\\E", "|", "^", "$", ".", "\\p{Foo}",
                "[a-", "(?", "\\k<g0>", "\\1", "#");
        return Arbitraries.oneOf(piece.list().ofMaxSize(10).map(l -> String.join("", l)),
                Arbitraries.strings().all().ofMaxLength(40));
    }

    @Property(tries = 2000)
    void formatsAndExpressionsBuildOrNameTheirProblem(@ForAll("formats") String format) {
        for (int kind = 0; kind < 2; kind++) {
            try {
                LogFormat parsed = kind == 0 ? LogFormat.of(format) : LogFormat.regexBuilder(format).build();
                LineOutcome outcome = parsed.parse("2024-05-06 12:00:01 INFO main: hello [x] (y) " + format, 1);
                if (!outcome.parsed()) {
                    assertThat(outcome.rejection().reason()).isNotBlank();
                }
            } catch (AnomalyOpsException e) {
                assertThat(e).isInstanceOf(ConfigurationException.class);
                assertThat(e.getMessage()).isNotBlank();
            }
        }
    }
}
