package dev.anomalyops.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.anomalyops.core.model.ModelBundle;
import dev.anomalyops.train.label.Label;
import dev.anomalyops.train.label.LabelStore;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code anomalyops train} and {@code evaluate} end to end: CSV rows, a label store, a file registry. */
class TrainCommandTest {
    @TempDir
    Path temp;

    private record Run(int exitCode, String out, String err) {
        JsonNode json() throws Exception {
            return Output.mapper().readTree(out);
        }
    }

    private Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = AnomalyOpsCli.execute(args, new PrintWriter(out), new PrintWriter(err));
        return new Run(code, out.toString(), err.toString());
    }

    /** Every 25th window is far off in errors and latency; every row has a human label. */
    private Path[] data() throws Exception {
        SplittableRandom random = new SplittableRandom(5);
        StringBuilder csv = new StringBuilder("window,errors,latency_ms\n");
        List<Label> labels = new ArrayList<>();
        for (int i = 0; i < 3000; i++) {
            boolean odd = i % 25 == 24;
            csv.append("w").append(i).append(',').append(random.nextGaussian() + (odd ? 6 : 0)).append(',')
                    .append(100 + 10 * random.nextGaussian() + (odd ? 60 : 0)).append('\n');
            labels.add(Label.human("w" + i, odd ? 1 : 0, "alice", Instant.parse("2026-01-01T00:00:00Z")));
        }
        Path input = temp.resolve("rows.csv");
        Files.writeString(input, csv);
        Path store = temp.resolve("labels.jsonl");
        LabelStore.open(store).append(labels, "test labels");
        return new Path[] {input, store};
    }

    @Test
    void trainsRegistersAsStagingAndEvaluates() throws Exception {
        Path[] data = data();
        Run train = run("train", "--json", "--input", data[0].toString(), "--id-column", "window", "--labels",
                data[1].toString(), "--out", temp.resolve("bundle").toString(), "--registry",
                temp.resolve("registry").toString(), "--register", "--rounds", "20", "--cv-folds", "3");
        assertThat(train.exitCode()).as(train.err()).isZero();
        JsonNode json = train.json();
        assertThat(json.at("/registered/version").asInt()).isEqualTo(1);
        assertThat(json.at("/report/quality_gates/passed").asBoolean()).isTrue();
        assertThat(json.at("/report/models/1/name").asText()).isEqualTo("lightgbm");
        assertThat(json.at("/report/cross_validation/folds").size()).isEqualTo(3);
        ModelBundle bundle = ModelBundle.read(temp.resolve("bundle"));
        assertThat(bundle.driftReference()).isPresent();
        assertThat(bundle.manifest().scaler()).isPresent();

        Run versions = run("versions", "anomaly", "--json", "--registry", temp.resolve("registry").toString());
        assertThat(versions.exitCode()).as(versions.err()).isZero();
        assertThat(versions.out()).contains("staging");

        Run evaluate = run("evaluate", temp.resolve("bundle").toString(), "--json", "--input", data[0].toString(),
                "--id-column", "window", "--labels", data[1].toString());
        assertThat(evaluate.exitCode()).as(evaluate.err()).isZero();
        assertThat(evaluate.json().at("/champion/f1").asDouble()).isGreaterThan(0.9);
    }

    @Test
    void failingGatesExitNonZeroAndRegisterNothing() throws Exception {
        Path[] data = data();
        // Gates are strict (">"): no model can exceed F1 1.0, so this one is always blocked. The library test
        // SupervisedTrainingTest blocks a genuinely bad model (trained on shuffled labels).
        Run train = run("train", "--input", data[0].toString(), "--id-column", "window", "--labels", data[1].toString(),
                "--out", temp.resolve("bundle").toString(), "--registry", temp.resolve("registry").toString(),
                "--register", "--rounds", "1", "--max-depth", "1", "--cv-folds", "0", "--challenger", "none",
                "--gates", "f1>1.0");
        assertThat(train.exitCode()).isEqualTo(AnomalyOpsCli.FAILED);
        assertThat(train.out()).contains("Quality gates FAILED", "not registered");
        assertThat(Files.exists(temp.resolve("registry")) ? Files.list(temp.resolve("registry")).count() : 0)
                .isZero();
    }

    @Test
    void helpListsTheOptions() {
        Run help = run("train", "--help");
        assertThat(help.exitCode()).isZero();
        assertThat(help.out()).contains("--labels", "--gates", "--import-challenger", "--cv-scheme", "--threshold");
    }
}
