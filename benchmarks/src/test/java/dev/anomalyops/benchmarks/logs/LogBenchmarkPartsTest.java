package dev.anomalyops.benchmarks.logs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.anomalyops.features.logs.templates.Masking;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LogBenchmarkPartsTest {
    @Test
    void csvFieldsMayBeQuotedAndSpanLines() throws Exception {
        List<List<String>> rows = Rfc4180.parse(new StringReader("a,b,c\r\n1,\"x, \"\"y\"\"\",\"two\nlines\"\r\n,,\n"));
        assertThat(rows).containsExactly(List.of("a", "b", "c"), List.of("1", "x, \"y\"", "two\nlines"), List.of("", "", ""));
    }

    @Test
    void binaryMetrics() {
        BinaryMetrics metrics = BinaryMetrics.of(new int[] {1, 1, 0, 0, 1}, new int[] {1, 0, 1, 0, 1});
        assertThat(metrics).isEqualTo(new BinaryMetrics(2, 1, 1, 1));
        assertThat(metrics.precision()).isEqualTo(2 / 3.0);
        assertThat(metrics.recall()).isEqualTo(2 / 3.0);
        assertThat(metrics.f1()).isEqualTo(2 / 3.0, org.assertj.core.data.Offset.offset(1e-12));
        assertThat(BinaryMetrics.of(new int[] {0}, new int[] {0}).f1()).isZero();
    }

    @Test
    void theLoghubProtocolComparesGroupsAndTemplates(@TempDir Path dir) throws Exception {
        Path log = dir.resolve("X_2k.log");
        Files.writeString(log, String.join("\r\n",
                "1 INFO Found child 10 in slot 2", "2 INFO Found child 11 in slot 3", "garbage",
                "3 ERROR Disk full on /dev/sda1 now", "4 INFO Found child 12 in slot 4"), StandardCharsets.UTF_8);
        Path structured = dir.resolve("X_2k.log_structured.csv");
        Files.writeString(structured, String.join("\r\n", "LineId,Time,Level,Content,EventId,EventTemplate",
                "1,1,INFO,Found child 10 in slot 2,E1,Found child <*> in slot <*>",
                "2,2,INFO,Found child 11 in slot 3,E1,Found child <*> in slot <*>",
                "3,3,ERROR,Disk full on /dev/sda1 now,E2,Disk full on <*> now",
                "4,4,INFO,Found child 12 in slot 4,E1,Found child <*> in slot <*>"), StandardCharsets.UTF_8);
        LoghubEvaluation.Result result = LoghubEvaluation.evaluate(log, structured, "<Time> <Level> <Content>", Masking.defaults());
        assertThat(result.lines()).isEqualTo(5);
        assertThat(result.parsedLines()).isEqualTo(4);
        assertThat(result.evaluatedLines()).isEqualTo(4);
        assertThat(result.formatMisses()).isZero();
        assertThat(result.templates()).isEqualTo(2);
        assertThat(result.groupingAccuracy()).isEqualTo(1.0);
        assertThat(result.parsingAccuracy()).isEqualTo(1.0);
    }

    @Test
    void throughputCountsWhatItRan() {
        Throughput.Figure figure = Throughput.measure(List.of("a", "bb"), String::length, 0.01, 0.05);
        assertThat(figure.lines()).isPositive().isEven();
        assertThat(figure.linesPerSecond()).isPositive();
    }
}
