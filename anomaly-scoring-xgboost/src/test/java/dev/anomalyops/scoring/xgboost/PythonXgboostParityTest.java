package dev.anomalyops.scoring.xgboost;

import static org.assertj.core.api.Assertions.assertThat;

import dev.anomalyops.core.FeatureContribution;
import dev.anomalyops.core.model.ModelBundle;
import dev.anomalyops.core.scoring.FeatureBatch;
import dev.anomalyops.core.scoring.Scorer;
import dev.anomalyops.core.scoring.ScorerOptions;
import dev.anomalyops.core.scoring.Scorers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The pure-Java engine against models trained and predicted by Debian's Python XGBoost package (the
 * reference implementation, installed by .ci/run), on real SMD rows plus NaN, signed zeros, huge values and
 * exact thresholds; one model has categorical splits. Each model is read both from JSON and from UBJ.
 */
class PythonXgboostParityTest {
    @TempDir
    Path temp;

    @Test
    void javaEngineMatchesPythonXgboostPredictions() throws Exception {
        float[] train = ParityData.withMissing(ParityData.smd("smd/test/machine-1-2.txt.gz"), 0.05, 13);
        float[] labels = ParityData.labels("smd/test_label/machine-1-2.txt");
        float[] evalBase = ParityData.adversarial(ParityData.smd("smd/train/machine-1-2.txt.gz"),
                ParityData.emptyThresholds(), 9);
        // Python XGBoost refuses infinite inputs ("Input data contains inf"); the xgboost4j test covers them.
        for (int i = 0; i < evalBase.length; i++) {
            if (Float.isInfinite(evalBase[i])) {
                evalBase[i] = evalBase[i] > 0 ? Float.MAX_VALUE : -Float.MAX_VALUE;
            }
        }
        int rows = evalBase.length / ParityData.FEATURES;
        // Two categorical columns: codes in range, with some missing.
        int columns = ParityData.FEATURES + 2;
        float[] eval = new float[rows * columns];
        Random random = new Random(21);
        for (int r = 0; r < rows; r++) {
            System.arraycopy(evalBase, r * ParityData.FEATURES, eval, r * columns, ParityData.FEATURES);
            eval[r * columns + 38] = random.nextInt(20) == 0 ? Float.NaN : random.nextInt(10);
            eval[r * columns + 39] = random.nextInt(20) == 0 ? Float.NaN : random.nextInt(6);
        }
        Path trainCsv = temp.resolve("train.csv");
        Path labelCsv = temp.resolve("labels.csv");
        Path evalCsv = temp.resolve("eval.csv");
        ParityData.writeCsv(trainCsv, train, ParityData.FEATURES);
        ParityData.writeCsv(labelCsv, labels, 1);
        ParityData.writeCsv(evalCsv, eval, columns);
        Path script = Path.of("src/test/python/train_reference_models.py").toAbsolutePath();
        Process python = new ProcessBuilder("/usr/bin/python3", script.toString(), trainCsv.toString(),
                labelCsv.toString(), evalCsv.toString(), temp.toString())
                .redirectErrorStream(true).redirectOutput(temp.resolve("python.log").toFile()).start();
        assertThat(python.waitFor(300, TimeUnit.SECONDS)).isTrue();
        assertThat(python.exitValue()).as(Files.readString(temp.resolve("python.log"))).isZero();

        // Feature attributions: ours against XGBoost's approx_contribs (Saabas) on the first 500 rows.
        ModelBundle logistic = Scorers.load(temp.resolve("py-binary-logistic.json"));
        try (Scorer scorer = Scorers.open(logistic, ScorerOptions.builder().engine("java").build())) {
            List<String> lines = Files.readAllLines(temp.resolve("py-binary-logistic.contribs.csv"));
            double worst = 0;
            for (int r = 0; r < lines.size(); r++) {
                String[] expected = lines.get(r).split(",");
                float[] row = Arrays.copyOfRange(evalBase, r * ParityData.FEATURES, (r + 1) * ParityData.FEATURES);
                double[] actual = new double[ParityData.FEATURES + 1];
                for (FeatureContribution c : scorer.contributions(row)) {
                    actual[scorer.model().schema().requireIndex(c.feature())] = c.contribution();
                }
                for (int f = 0; f < ParityData.FEATURES; f++) {
                    worst = Math.max(worst, Math.abs(actual[f] - Double.parseDouble(expected[f])));
                }
            }
            System.out.printf("attribution py-binary-logistic rows=%d max|java - approx_contribs|=%.3g%n", lines.size(), worst);
            assertThat(worst).isLessThanOrEqualTo(1e-5);
        }

        for (String name : List.of("py-binary-logistic", "py-regression-exact", "py-dart", "py-categorical")) {
            double[] expected = Files.readAllLines(temp.resolve(name + ".pred.csv")).stream()
                    .mapToDouble(Double::parseDouble).toArray();
            assertThat(expected).hasSize(rows);
            int width = name.equals("py-categorical") ? columns : ParityData.FEATURES;
            float[] input = width == columns ? eval : evalBase;
            for (String extension : List.of(".json", ".ubj")) {
                ModelBundle bundle = Scorers.load(temp.resolve(name + extension));
                try (Scorer scorer = Scorers.open(bundle, ScorerOptions.builder().engine("java").build())) {
                    double[] ours = new double[rows];
                    scorer.score(FeatureBatch.wrap(scorer.model().schema(), input, rows), ours);
                    double diff = ParityData.maxAbsDiff(ours, expected, rows);
                    System.out.printf("parity %-20s %-5s rows=%d max|java - python xgboost|=%.3g%n", name, extension,
                            rows, diff);
                    assertThat(diff).as(name + extension).isLessThanOrEqualTo(1e-6);
                }
            }
        }
    }
}
