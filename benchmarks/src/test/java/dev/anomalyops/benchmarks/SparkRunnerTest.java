package dev.anomalyops.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * {@code ./bench spark} is found through ServiceLoader and parses its options. The run itself (a child JVM with
 * Spark) is exercised by {@code ./bench spark}; anomaly-spark's tests cover what it measures.
 */
class SparkRunnerTest {
    @Test
    void parsesItsOptionsWithTheLaunchersCommandLine() {
        CommandLine.ParseResult parsed = Bench.commandLine().parseArgs("spark", "--rows", "2000000", "--cores", "4",
                "--rounds", "50", "--data", "/tmp/x");
        SparkRunner runner = (SparkRunner) parsed.subcommand().commandSpec().userObject();
        assertThat(runner.rows).isEqualTo(2_000_000);
        assertThat(runner.instances).isEqualTo(1500);
        assertThat(runner.cores).isEqualTo(4);
        assertThat(runner.rounds).isEqualTo(50);
        assertThat(runner.data).isEqualTo(Path.of("/tmp/x"));
        assertThat(dev.anomalyops.app.spark.SparkProcess.JAVA17_FLAGS).contains("--add-opens=java.base/sun.nio.ch=ALL-UNNAMED");
    }
}
