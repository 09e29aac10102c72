package dev.anomalyops.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.anomalyops.core.testing.SharedData;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The log runners produce exactly the keys the issue names, with values in range, on the development data. */
class LogRunnersTest {
    @Test
    void loghubPrintsGroupingAndParsingAccuracyAndSpeed() throws Exception {
        Path log = SharedData.require("loghub/Apache/Apache_2k.log");
        ObjectNode figures = run("loghub", "--log", log.toString(),
                "--structured", log.resolveSibling("Apache_2k.log_structured.csv").toString(),
                "--format", "\\[<Time>\\] \\[<Level>\\] <Content>", "--seconds", "0.05", "--warmup", "0.05");
        assertThat(figures.has("grouping_accuracy")).isTrue();
        assertThat(figures.get("grouping_accuracy").asDouble()).isBetween(0.9, 1.0);
        assertThat(figures.get("parsing_accuracy").asDouble()).isBetween(0.0, 1.0);
        assertThat(figures.get("lines_per_second").asDouble()).isPositive();
        assertThat(figures.get("lines").asInt()).isEqualTo(2000);
    }

    @Test
    void hdfsPrintsTheSemiSupervisedAndSupervisedF1() throws Exception {
        Path sessions = SharedData.require("hdfs/HDFS_100k_sessions.csv");
        ObjectNode figures = run("hdfs", "--sessions", sessions.toString());
        assertThat(figures.get("semi_supervised_f1").asDouble()).isBetween(0.0, 1.0);
        assertThat(figures.get("supervised_f1").asDouble()).isBetween(0.3, 1.0);
        assertThat(figures.get("supervised_f1").asDouble())
                .isLessThanOrEqualTo(figures.get("count_vector_f1_ceiling").asDouble() + 1e-9);
        assertThat(figures.get("human_labels").asInt())
                .isLessThanOrEqualTo((int) Math.floor(0.2 * figures.get("flagged_train_blocks").asInt()));
        assertThat(figures.get("semi_supervised_step").asText()).contains("IsolationForest");
    }

    private static ObjectNode run(String... args) throws Exception {
        CommandLine.ParseResult parsed = Bench.commandLine().parseArgs(args);
        return ((Bench.Runner) parsed.subcommand().commandSpec().userObject()).call();
    }
}
