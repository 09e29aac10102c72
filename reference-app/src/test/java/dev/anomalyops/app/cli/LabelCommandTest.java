package dev.anomalyops.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.anomalyops.core.model.ModelBundle;
import dev.anomalyops.core.scoring.Scorer;
import dev.anomalyops.core.scoring.Scorers;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code anomalyops label}: detection to review queue, reviewed labels back in, training set out. */
class LabelCommandTest {
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

    /** Log-window features with the raw line as context; every 40th row is far off. */
    private Path input() throws Exception {
        SplittableRandom random = new SplittableRandom(3);
        StringBuilder csv = new StringBuilder("window,raw,errors,latency_ms\n");
        for (int i = 0; i < 2000; i++) {
            boolean odd = i % 40 == 39;
            csv.append("w").append(i).append(",\"GET /api/").append(i).append(", status ").append(odd ? 500 : 200)
                    .append("\",").append(random.nextGaussian() + (odd ? 8 : 0)).append(',')
                    .append(100 + 10 * random.nextGaussian() + (odd ? 90 : 0)).append('\n');
        }
        Path file = temp.resolve("windows.csv");
        Files.writeString(file, csv);
        return file;
    }

    @Test
    void detectReviewImportAndBuildTheTrainingSet() throws Exception {
        Path input = input();
        Path out = temp.resolve("run");
        Run detect = run("label", "detect", "--input", input.toString(), "--id-column", "window", "--context-column",
                "raw", "--out", out.toString(), "--contamination", "0.05", "--seed", "7", "--json");
        assertThat(detect.exitCode()).as(detect.err()).isZero();
        JsonNode summary = detect.json();
        assertThat(summary.get("rows").asInt()).isEqualTo(2000);
        assertThat(summary.get("flagged").asInt()).isBetween(99, 101);
        int items = summary.get("reviewItems").asInt();
        assertThat(items).isEqualTo(summary.get("flagged").asInt() / 5);
        assertThat(summary.get("pseudoLabelsAdded").asInt()).isEqualTo(2000);

        // The bundle scores through the core SPI.
        ModelBundle bundle = ModelBundle.read(out.resolve("detector-bundle"));
        try (Scorer scorer = Scorers.open(bundle, dev.anomalyops.core.scoring.ScorerOptions.defaults())) {
            assertThat(scorer.predict(new float[] {9f, 200f}).isAnomaly()).isTrue();
        }

        // A reviewer answers every queued row: the true answer is "status 500".
        List<String> lines = Files.readAllLines(out.resolve("review.csv"));
        assertThat(lines).hasSize(items + 1);
        assertThat(lines.get(0)).startsWith("id,score,suggested_label,confidence,reason,label,reviewer,note,context.raw,"
                + "feature.errors,feature.latency_ms");
        List<String> reviewed = new ArrayList<>();
        reviewed.add("id,label,reviewer,note");
        for (String line : lines.subList(1, lines.size())) {
            String id = line.substring(0, line.indexOf(','));
            reviewed.add(id + "," + (line.contains("status 500") ? "anomaly" : "normal") + ",,");
        }
        Path answers = temp.resolve("answers.csv");
        Files.write(answers, reviewed);

        Path store = out.resolve("labels.jsonl");
        Path trainingSet = temp.resolve("training.csv");
        Run imported = run("label", "import", answers.toString(), "--store", store.toString(), "--reviewer", "alice",
                "--training-set", trainingSet.toString(), "--input", input.toString(), "--id-column", "window",
                "--context-column", "raw", "--human-weight", "8", "--json");
        assertThat(imported.exitCode()).as(imported.err()).isZero();
        assertThat(imported.json().get("imports").get(0).get("added").asInt()).isEqualTo(items);
        JsonNode metadata = imported.json().get("trainingSet").get("metadata");
        assertThat(metadata.get("labels.human").asInt()).isEqualTo(items);
        assertThat(metadata.get("labels.pseudo").asInt()).isEqualTo(2000 - items);
        assertThat(metadata.get("labels.weight.human").asText()).isEqualTo("8.0");
        assertThat(Files.readAllLines(trainingSet)).hasSize(2001);
        assertThat(Files.readString(temp.resolve("training.csv.metadata.json"))).contains("\"labels.weight.pseudo\"");

        Run again = run("label", "import", answers.toString(), "--store", store.toString(), "--reviewer", "alice",
                "--json");
        assertThat(again.json().get("imports").get(0).get("added").asInt()).isZero();
        assertThat(again.json().get("imports").get(0).get("duplicates").asInt()).isEqualTo(items);

        // A second reviewer disagrees about the first row: reported, nothing overwritten.
        String firstId = reviewed.get(1).substring(0, reviewed.get(1).indexOf(','));
        String flipped = reviewed.get(1).contains("anomaly") ? "normal" : "anomaly";
        Files.writeString(temp.resolve("bob.csv"), "id,label\n" + firstId + "," + flipped + "\n");
        Run conflict = run("label", "import", temp.resolve("bob.csv").toString(), "--store", store.toString(),
                "--reviewer", "bob");
        assertThat(conflict.exitCode()).isZero();
        assertThat(conflict.out()).contains("conflict: Row \"" + firstId + "\"").contains("by alice").contains("by bob");
        Run status = run("label", "status", "--store", store.toString(), "--json");
        assertThat(status.json().get("conflicts")).hasSize(1);
        assertThat(status.json().get("rowsBySource").get("human").asInt()).isEqualTo(items);

        Run set = run("label", "training-set", "--input", input.toString(), "--id-column", "window", "--context-column",
                "raw", "--store", store.toString(), "--out", temp.resolve("strict.csv").toString(), "--exclude-conflicts");
        assertThat(set.exitCode()).as(set.err()).isZero();
        assertThat(set.out()).contains("1999 rows").contains("1 conflicts");
    }

    @Test
    void oneClassSvmAndClearErrors() throws Exception {
        Path input = input();
        Run svm = run("label", "detect", "--input", input.toString(), "--id-column", "window", "--context-column", "raw",
                "--out", temp.resolve("svm").toString(), "--detector", "one-class-svm", "--format", "jsonl");
        assertThat(svm.exitCode()).as(svm.err()).isZero();
        assertThat(temp.resolve("svm/review.jsonl")).exists();
        assertThat(temp.resolve("svm/review.csv")).doesNotExist();

        Run again = run("label", "detect", "--input", input.toString(), "--id-column", "window", "--context-column",
                "raw", "--out", temp.resolve("svm").toString());
        assertThat(again.exitCode()).isEqualTo(AnomalyOpsCli.FAILED);
        assertThat(again.err()).contains("already exists");
        Run notNumeric = run("label", "detect", "--input", input.toString(), "--out", temp.resolve("y").toString());
        assertThat(notNumeric.exitCode()).isEqualTo(AnomalyOpsCli.BAD_INPUT);
        assertThat(notNumeric.err()).contains("line 2, column \"window\": value \"w0\" is not a number");
        Run badColumn = run("label", "detect", "--input", input.toString(), "--id-column", "nope", "--out",
                temp.resolve("x").toString());
        assertThat(badColumn.exitCode()).isNotZero();
        assertThat(badColumn.err().strip()).startsWith("anomalyops: ").contains("id column \"nope\"")
                .doesNotContain("\n");
        for (String sub : new String[] {"detect", "import", "training-set", "status"}) {
            Run help = run("label", sub, "--help");
            assertThat(help.exitCode()).as(sub).isZero();
            assertThat(help.out()).startsWith("Usage: anomalyops label " + sub);
        }
    }
}
