package dev.anomalyops.core.trees;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.anomalyops.core.FeatureSchema;
import dev.anomalyops.core.ModelLoadException;
import dev.anomalyops.core.SchemaMismatchException;
import dev.anomalyops.core.model.ModelBundle;
import dev.anomalyops.core.model.ModelFormat;
import dev.anomalyops.core.model.Scaler;
import dev.anomalyops.core.scoring.FeatureBatch;
import dev.anomalyops.core.scoring.Scorer;
import dev.anomalyops.core.scoring.ScorerOptions;
import dev.anomalyops.core.scoring.Scorers;
import dev.anomalyops.core.testing.CatboostJsonModels;
import dev.anomalyops.core.testing.XgboostJsonModels;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TreeScorerTest {
    private static final int FEATURES = 37;

    @TempDir
    Path temp;

    private ModelBundle randomXgboostBundle(String name, Scaler scaler) throws Exception {
        Path file = temp.resolve(name + ".json");
        XgboostJsonModels.write(file, new XgboostJsonModels.Spec(FEATURES, 100, 6, 0.0, "binary:logistic", 0.5f), 42);
        ModelBundle.Builder builder = ModelBundle.builder(name, "1").model(ModelFormat.XGBOOST_JSON, file)
                .schema(FeatureSchema.unnamed(FEATURES));
        if (scaler != null) {
            builder.scaler(scaler);
        }
        return builder.writeTo(temp.resolve(name));
    }

    private static float[] randomRows(int rows, long seed) {
        Random random = new Random(seed);
        float[] values = new float[rows * FEATURES];
        for (int i = 0; i < values.length; i++) {
            values[i] = random.nextInt(20) == 0 ? Float.NaN : (float) (random.nextGaussian() * 4);
        }
        return values;
    }

    @Test
    void oneScorerSharedByEightThreadsGivesIdenticalResults() throws Exception {
        int rows = 1_000_000;
        float[] values = randomRows(rows, 1);
        try (Scorer scorer = Scorers.open(randomXgboostBundle("shared", null), ScorerOptions.defaults())) {
            assertThat(scorer.model().engine()).isEqualTo("java");
            double[] expected = new double[rows];
            scorer.score(FeatureBatch.wrap(scorer.model().schema(), values, rows), expected);
            ExecutorService pool = Executors.newFixedThreadPool(8);
            try {
                List<Future<double[]>> results = new ArrayList<>();
                for (int t = 0; t < 8; t++) {
                    int thread = t;
                    results.add(pool.submit(() -> {
                        // Each thread uses its own batch sizes, and some single-row calls, on the same rows.
                        double[] out = new double[rows];
                        int chunk = 64 + thread * 977;
                        double[] part = new double[chunk];
                        for (int start = 0; start < rows; start += chunk) {
                            int n = Math.min(chunk, rows - start);
                            float[] slice = Arrays.copyOfRange(values, start * FEATURES, (start + n) * FEATURES);
                            scorer.score(FeatureBatch.wrap(scorer.model().schema(), slice, n), part);
                            System.arraycopy(part, 0, out, start, n);
                        }
                        for (int r = thread; r < rows; r += 1013) {
                            float[] row = Arrays.copyOfRange(values, r * FEATURES, (r + 1) * FEATURES);
                            if (scorer.probability(row) != out[r]) {
                                out[r] = Double.NaN;
                            }
                        }
                        return out;
                    }));
                }
                for (Future<double[]> result : results) {
                    assertThat(result.get(300, TimeUnit.SECONDS)).isEqualTo(expected);
                }
            } finally {
                pool.shutdownNow();
            }
        }
    }

    @Test
    void appliesTheBundleScalerBeforeTheTrees() throws Exception {
        double[] center = new double[FEATURES];
        double[] scale = new double[FEATURES];
        for (int i = 0; i < FEATURES; i++) {
            center[i] = i * 0.5;
            scale[i] = 1.0 + i * 0.1;
        }
        Scaler scaler = Scaler.of("standard", center, scale);
        float[] raw = randomRows(500, 2);
        float[] scaled = raw.clone();
        for (int r = 0; r < 500; r++) {
            scaler.apply(raw, r * FEATURES, scaled, r * FEATURES);
        }
        try (Scorer withScaler = Scorers.open(randomXgboostBundle("scaled", scaler), ScorerOptions.defaults());
                Scorer without = Scorers.open(randomXgboostBundle("plain", null), ScorerOptions.defaults())) {
            double[] a = new double[500];
            double[] b = new double[500];
            withScaler.score(FeatureBatch.wrap(withScaler.model().schema(), raw, 500), a);
            without.score(FeatureBatch.wrap(without.model().schema(), scaled, 500), b);
            assertThat(a).isEqualTo(b);
            assertThat(withScaler.probability(Arrays.copyOf(raw, FEATURES))).isEqualTo(b[0]);
            assertThat(raw).as("the caller's rows are not modified").isEqualTo(randomRows(500, 2));
        }
    }

    @Test
    void readsCatboostJsonAndRejectsWhatItCannotScore() throws Exception {
        Path cat = temp.resolve("cat.json");
        CatboostJsonModels.write(cat, 4, 10, 3, 8, null, 1, true);
        ModelBundle bundle = Scorers.load(cat);
        assertThat(bundle.schema().names()).containsExactly("m0", "m1", "m2", "m3");
        try (Scorer scorer = Scorers.open(bundle, ScorerOptions.defaults())) {
            double p = scorer.probability(new float[] {0.1f, Float.NaN, -3f, 2f});
            assertThat(p).isBetween(0.0, 1.0);
        }

        Path wrongWidth = temp.resolve("wide.json");
        XgboostJsonModels.write(wrongWidth, new XgboostJsonModels.Spec(3, 2, 2, 0, "binary:logistic", 0.5f), 1);
        ModelBundle mismatched = ModelBundle.builder("wide", "1").model(ModelFormat.XGBOOST_JSON, wrongWidth)
                .schema(FeatureSchema.unnamed(5)).writeTo(temp.resolve("wide"));
        assertThatThrownBy(() -> Scorers.open(mismatched, ScorerOptions.defaults()))
                .isInstanceOf(SchemaMismatchException.class)
                .hasMessageContaining("reads 3 features but its bundle's schema lists 5");

        Path multi = temp.resolve("multi.json");
        XgboostJsonModels.write(multi, new XgboostJsonModels.Spec(3, 2, 2, 0, "multi:softprob", 0.5f), 1);
        Files.writeString(multi, Files.readString(multi).replace("\"num_class\":\"0\"", "\"num_class\":\"3\""));
        assertThatThrownBy(() -> TreeEnsemble.read(multi, ModelFormat.XGBOOST_JSON))
                .isInstanceOf(ModelLoadException.class)
                .hasMessageContaining("objective \"multi:softprob\" with 3 classes is not supported");

        Path truncated = temp.resolve("truncated.json");
        String text = Files.readString(wrongWidth);
        Files.writeString(truncated, text.substring(0, text.length() / 2));
        assertThatThrownBy(() -> TreeEnsemble.read(truncated, ModelFormat.XGBOOST_JSON))
                .isInstanceOf(ModelLoadException.class)
                .hasMessageContaining("is not valid JSON (truncated?)");

        Path linear = temp.resolve("linear.json");
        Files.writeString(linear, text.replace("\"name\":\"gbtree\"", "\"name\":\"gblinear\""));
        assertThatThrownBy(() -> TreeEnsemble.read(linear, ModelFormat.XGBOOST_JSON))
                .hasMessageContaining("booster \"gblinear\" is not a tree booster");

        Path cyclic = temp.resolve("cyclic.json");
        Files.writeString(cyclic, text.replaceFirst("\"left_children\":\\[1,", "\"left_children\":[0,"));
        assertThatThrownBy(() -> TreeEnsemble.read(cyclic, ModelFormat.XGBOOST_JSON))
                .isInstanceOf(ModelLoadException.class);
    }
}
