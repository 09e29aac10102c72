package dev.anomalyops.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.anomalyops.benchmarks.smd.SimulatedReviewer;
import dev.anomalyops.benchmarks.smd.SmdMachine;
import dev.anomalyops.benchmarks.smd.SmdSplit;
import dev.anomalyops.train.label.Label;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.SplittableRandom;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The SMD protocol on a small synthetic machine written in SMD layout (plain and gzip files mixed). */
class SmdRunnerTest {
    private static final int ROWS = 3001;

    @TempDir
    Path data;

    private void writeMachine() throws Exception {
        SplittableRandom random = new SplittableRandom(4);
        Files.createDirectories(data.resolve("train"));
        Files.createDirectories(data.resolve("test"));
        Files.createDirectories(data.resolve("test_label"));
        StringBuilder train = new StringBuilder();
        StringBuilder test = new StringBuilder();
        StringBuilder labels = new StringBuilder();
        for (int i = 0; i < ROWS; i++) {
            train.append(row(random, false));
            // Anomaly segments of 20 rows in both halves of the test period.
            boolean anomaly = i % 300 >= 280;
            test.append(row(random, anomaly));
            labels.append(anomaly ? 1 : 0).append('\n');
        }
        Files.writeString(data.resolve("train/m-1.txt"), train);
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(data.resolve("test/m-1.txt.gz")))) {
            out.write(test.toString().getBytes(StandardCharsets.UTF_8));
        }
        Files.writeString(data.resolve("test_label/m-1.txt"), labels);
    }

    private static String row(SplittableRandom random, boolean anomaly) {
        StringBuilder row = new StringBuilder();
        for (int f = 0; f < 5; f++) {
            double value = 0.5 + 0.1 * random.nextGaussian() + (anomaly && f < 2 ? 0.6 : 0.0);
            row.append(f == 0 ? "" : ",").append(String.format("%.6f", value));
        }
        return row.append('\n').toString();
    }

    private static ObjectNode run(String... args) throws Exception {
        CommandLine commandLine = Bench.commandLine();
        CommandLine.ParseResult parsed = commandLine.parseArgs(args);
        return ((Bench.Runner) parsed.subcommand().commandSpec().userObject()).call();
    }

    @Test
    void printsTheProtocolFiguresFirstAndRevealsAtMostTheBudget() throws Exception {
        writeMachine();
        ObjectNode result = run("smd", "--data", data.toString(), "--machine", "m-1", "--seed", "3", "--threads", "2");
        List<String> keys = new ArrayList<>();
        for (Iterator<String> it = result.fieldNames(); it.hasNext(); ) {
            keys.add(it.next());
        }
        assertThat(keys.subList(0, 4)).containsExactly("machine", "detector_roc_auc", "detector_f1",
                "human_label_fraction");
        assertThat(result.get("machine").asText()).isEqualTo("m-1");
        assertThat(result.get("production_rows").asInt()).isEqualTo(1500);
        assertThat(result.get("evaluation_rows").asInt()).isEqualTo(1501);
        int flagged = result.get("flagged_production").asInt();
        assertThat(result.get("labels_revealed").asInt()).isEqualTo(flagged / 5);
        assertThat(result.get("human_label_fraction").asDouble())
                .isEqualTo((double) (flagged / 5) / flagged).isLessThanOrEqualTo(0.2);
        assertThat(result.get("detector_roc_auc").asDouble()).isGreaterThan(0.9);
        assertThat(result.get("detector_f1").asDouble()).isBetween(0.0, 1.0);
        assertThat(result.get("detector_f1_point_adjusted").asDouble())
                .isGreaterThanOrEqualTo(result.get("detector_f1").asDouble());
        assertThat(result.get("training_rows").asInt()).isEqualTo(1500);
        assertThat(result.get("training_human_labels").asInt()).isEqualTo(flagged / 5);

        ObjectNode again = run("smd", "--data", data.toString(), "--machine", "m-1", "--seed", "3", "--threads", "1");
        assertThat(again.get("detector_roc_auc")).as("deterministic whatever the threads")
                .isEqualTo(result.get("detector_roc_auc"));
        ObjectNode halfBudget = run("smd", "--data", data.toString(), "--machine", "m-1", "--seed", "3",
                "--review-budget", "0.1");
        assertThat(halfBudget.get("labels_revealed").asInt()).isEqualTo((int) Math.floor(flagged * 0.1 + 1e-9));
    }

    @Test
    void addsScikitLearnsFiguresOnTheSameRows() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/python3")));
        writeMachine();
        ObjectNode result = run("smd", "--data", data.toString(), "--machine", "m-1", "--with-python");
        assertThat(result.get("python_detector_roc_auc").asDouble())
                .isCloseTo(result.get("detector_roc_auc").asDouble(), org.assertj.core.api.Assertions.within(0.05));
        assertThat(result.has("python_detector_f1")).isTrue();
        assertThat(result.get("python_sklearn_version").asText()).isNotBlank();
        // The supervised stage's Python reference: python3-xgboost on the same rows, labels and weights.
        assertThat(result.get("python_f1").asDouble()).isBetween(0.0, 1.0);
        assertThat(result.get("python_train_seconds").asDouble()).isPositive();
        assertThat(result.get("python_f1").asDouble())
                .isCloseTo(result.get("f1").asDouble(), org.assertj.core.api.Assertions.within(0.15));
    }

    @Test
    void addsTheSupervisedFiguresOnTheEvaluationHalf() throws Exception {
        writeMachine();
        ObjectNode result = run("smd", "--data", data.toString(), "--machine", "m-1", "--seed", "3", "--threads", "2");
        for (String key : List.of("f1", "precision", "recall", "f1_point_adjusted", "challenger_f1")) {
            assertThat(result.get(key).asDouble()).as(key).isBetween(0.0, 1.0);
        }
        assertThat(result.get("train_seconds").asDouble()).isPositive();
        // Anomalies here are a clear shift of two metrics: the supervised stage must find them on unseen rows.
        assertThat(result.get("roc_auc").asDouble()).isGreaterThan(0.9);
        assertThat(result.get("labels_used").asInt()).isEqualTo(result.get("production_rows").asInt());
        ObjectNode skipped = run("smd", "--data", data.toString(), "--machine", "m-1", "--no-supervised");
        assertThat(skipped.has("f1")).isFalse();
        assertThat(skipped.has("detector_f1")).isTrue();
    }

    @Test
    void theSplitHidesProductionLabelsBehindABudgetedReviewer() throws Exception {
        writeMachine();
        SmdSplit split = SmdSplit.of(SmdMachine.load(data, "m-1"));
        assertThat(split.production().rows() + split.evaluation().rows()).isEqualTo(ROWS);
        assertThat(split.evaluationLabels()).hasSize(1501);
        assertThat(split.productionId(5)).isEqualTo("m-1:test:5");
        assertThat(split.evaluationId(0)).isEqualTo("m-1:test:1500");
        assertThat(split.evaluation().get(0, 0)).isEqualTo(SmdMachine.load(data, "m-1").test().get(1500, 0));

        SimulatedReviewer reviewer = split.reviewer(3);
        List<Label> labels = reviewer.review(List.of(280, 281), Instant.EPOCH);
        assertThat(labels).extracting(Label::value).containsExactly(1, 1);
        assertThat(labels.get(0).author()).isEqualTo(SimulatedReviewer.AUTHOR);
        assertThat(reviewer.review(List.of(281, 0), Instant.EPOCH)).hasSize(2);
        assertThat(reviewer.revealed()).isEqualTo(3);
        assertThatThrownBy(() -> reviewer.review(List.of(1), Instant.EPOCH))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("budget is 3");
        assertThatThrownBy(() -> SmdMachine.load(data, "m-9")).hasMessageContaining("No train file for machine \"m-9\"");
    }
}
