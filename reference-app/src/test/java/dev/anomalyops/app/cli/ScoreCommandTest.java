package dev.anomalyops.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.anomalyops.core.model.ModelBundle;
import dev.anomalyops.core.scoring.Scorer;
import dev.anomalyops.core.scoring.ScorerOptions;
import dev.anomalyops.core.scoring.Scorers;
import dev.anomalyops.core.testing.CatboostJsonModels;
import dev.anomalyops.core.testing.XgboostJsonModels;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code anomalyops score} on bare XGBoost and CatBoost model files and on bundles, through the real CLI. */
class ScoreCommandTest {
    @TempDir
    Path temp;

    private int run(StringWriter err, String... args) {
        return AnomalyOpsCli.execute(args, new PrintWriter(new StringWriter()), new PrintWriter(err));
    }

    private Path rows(int count, int features, boolean withSpecialFields) throws Exception {
        Random random = new Random(3);
        StringBuilder text = new StringBuilder();
        for (int r = 0; r < count; r++) {
            for (int f = 0; f < features; f++) {
                if (f > 0) {
                    text.append(',');
                }
                int pick = random.nextInt(12);
                if (withSpecialFields && pick == 0) {
                    continue; // empty field: missing
                }
                text.append(withSpecialFields && pick == 1 ? "nan" : Float.toString((float) (random.nextGaussian() * 3)));
            }
            text.append(r % 2 == 0 ? "\n" : "\r\n");
        }
        Path file = temp.resolve("rows-" + features + ".csv");
        Files.writeString(file, text);
        return file;
    }

    @Test
    void scoresXgboostAndCatboostFilesExactlyAsTheScorerDoes() throws Exception {
        Path xgb = temp.resolve("model.json");
        XgboostJsonModels.write(xgb, new XgboostJsonModels.Spec(6, 30, 4, 0.0, "binary:logistic", 0.4f), 9);
        Path cat = temp.resolve("cat.json");
        CatboostJsonModels.write(cat, 6, 20, 4, 16, null, 4, true);
        Path input = rows(5000, 6, true);
        for (Path model : List.of(xgb, cat)) {
            Path out = temp.resolve(model.getFileName() + ".probs.csv");
            StringWriter err = new StringWriter();
            assertThat(run(err, "score", "--model", model.toString(), "--input", input.toString(), "--output",
                    out.toString())).as(err.toString()).isZero();
            List<String> lines = Files.readAllLines(out);
            assertThat(lines).hasSize(5000);
            List<String> inputLines = Files.readAllLines(input);
            ModelBundle bundle = Scorers.load(model);
            try (Scorer scorer = Scorers.open(bundle, ScorerOptions.defaults())) {
                for (int r = 0; r < 5000; r += 37) {
                    String[] fields = inputLines.get(r).split(",", -1);
                    float[] row = new float[6];
                    for (int f = 0; f < 6; f++) {
                        row[f] = fields[f].isEmpty() || fields[f].equals("nan") ? Float.NaN : Float.parseFloat(fields[f]);
                    }
                    double expected = scorer.probability(row);
                    assertThat(Double.parseDouble(lines.get(r))).isCloseTo(expected,
                            org.assertj.core.data.Offset.offset(1e-9));
                    assertThat(lines.get(r).replaceAll("[^0-9]", "").replaceFirst("^0+", "").length())
                            .as("at least 9 significant digits").isGreaterThanOrEqualTo(9);
                }
            }
        }
    }

    @Test
    void rejectsMalformedRowsWithTheLineAndLeavesNoPartialOutput() throws Exception {
        Path xgb = temp.resolve("model.json");
        XgboostJsonModels.write(xgb, new XgboostJsonModels.Spec(3, 5, 3, 0.0, "binary:logistic", 0.5f), 1);
        Path bad = temp.resolve("bad.csv");
        Files.writeString(bad, "1,2,3\n4,5\n");
        Path out = temp.resolve("out.csv");
        StringWriter err = new StringWriter();
        assertThat(run(err, "score", "--model", xgb.toString(), "--input", bad.toString(), "--output", out.toString()))
                .isEqualTo(AnomalyOpsCli.BAD_INPUT);
        assertThat(err.toString()).contains("line 2 has 2 values but the model expects 3 features");
        assertThat(out).doesNotExist();

        Files.writeString(bad, "1,2,3\n4,five,6\n");
        StringWriter err2 = new StringWriter();
        assertThat(run(err2, "score", "--model", xgb.toString(), "--input", bad.toString(), "--output", out.toString()))
                .isEqualTo(AnomalyOpsCli.BAD_INPUT);
        assertThat(err2.toString()).contains("line 2 column 2: \"five\" is not a number");

        StringWriter err3 = new StringWriter();
        assertThat(run(err3, "score", "--model", temp.resolve("missing.json").toString(), "--input", bad.toString(),
                "--output", out.toString())).isEqualTo(AnomalyOpsCli.BAD_INPUT);
        assertThat(err3.toString()).contains("does not exist");
    }
}
