package dev.anomalyops.scoring.catboost;

import static org.assertj.core.api.Assertions.assertThat;

import dev.anomalyops.core.FeatureSchema;
import dev.anomalyops.core.model.ModelBundle;
import dev.anomalyops.core.model.ModelFormat;
import dev.anomalyops.core.scoring.FeatureBatch;
import dev.anomalyops.core.scoring.Scorer;
import dev.anomalyops.core.scoring.ScorerOptions;
import dev.anomalyops.core.scoring.Scorers;
import dev.anomalyops.core.testing.CatboostJsonModels;
import dev.anomalyops.core.testing.SharedData;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The pure-Java engine against CatBoost's own native evaluator (catboost-prediction) on CatBoost JSON models.
 * No CatBoost trainer runs here, so the models are random but valid CatBoost JSON exports whose borders are
 * drawn from real SMD rows; the evaluation uses more than 100,000 rows with NaN (every nan_value_treatment),
 * signed zeros, huge values, infinities and values exactly on borders.
 */
class CatboostParityTest {
    private static final int FEATURES = 38;

    @TempDir
    static Path temp;

    private static float[] sample;

    @BeforeAll
    static void load() throws Exception {
        List<float[]> rows = new ArrayList<>();
        try (BufferedReader in = new BufferedReader(new InputStreamReader(new GZIPInputStream(
                Files.newInputStream(SharedData.require("smd/train/machine-2-1.txt.gz"))), StandardCharsets.US_ASCII))) {
            String line;
            while ((line = in.readLine()) != null) {
                String[] parts = line.split(",");
                float[] row = new float[FEATURES];
                for (int i = 0; i < FEATURES; i++) {
                    row[i] = Float.parseFloat(parts[i]);
                }
                rows.add(row);
            }
        }
        sample = new float[rows.size() * FEATURES];
        for (int r = 0; r < rows.size(); r++) {
            System.arraycopy(rows.get(r), 0, sample, r * FEATURES, FEATURES);
        }
    }

    static Stream<Arguments> models() {
        return Stream.of(
                Arguments.of("logloss-100x6", 100, 6, true),
                Arguments.of("rmse-60x4", 60, 4, false),
                Arguments.of("logloss-30x10", 30, 10, true),
                Arguments.of("logloss-200x1", 200, 1, true));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("models")
    void javaEngineMatchesCatboostNatively(String name, int trees, int depth, boolean logloss) throws Exception {
        Path file = temp.resolve(name + ".json");
        CatboostJsonModels.write(file, FEATURES, trees, depth, 32, sample, name.hashCode(), logloss);
        float[] rows = adversarial(file);
        int n = rows.length / FEATURES;
        assertThat(n).isGreaterThanOrEqualTo(100_000);
        ModelBundle bundle = ModelBundle.builder(name, "1").model(ModelFormat.CATBOOST_JSON, file)
                .schema(FeatureSchema.of(java.util.stream.IntStream.range(0, FEATURES).mapToObj(i -> "m" + i)
                        .toArray(String[]::new))).writeTo(temp.resolve(name));
        try (Scorer pure = Scorers.open(bundle, ScorerOptions.builder().engine("java").build());
                Scorer nativeEngine = Scorers.open(bundle, ScorerOptions.builder().engine("catboost").build())) {
            double[] ours = new double[n];
            double[] theirs = new double[n];
            pure.score(FeatureBatch.wrap(pure.model().schema(), rows, n), ours);
            nativeEngine.score(FeatureBatch.wrap(nativeEngine.model().schema(), rows, n), theirs);
            double max = 0;
            for (int r = 0; r < n; r++) {
                max = Math.max(max, Math.abs(ours[r] - theirs[r]));
            }
            System.out.printf("parity %-14s rows=%d max|java - catboost|=%.3g%n", name, n, max);
            assertThat(max).isLessThanOrEqualTo(1e-6);
            float[] row = new float[FEATURES];
            for (int r = 0; r < n; r += 211) {
                System.arraycopy(rows, r * FEATURES, row, 0, FEATURES);
                assertThat(nativeEngine.probability(row)).isEqualTo(theirs[r]);
                assertThat(pure.probability(row)).isEqualTo(ours[r]);
            }
        }
    }

    private static float[] adversarial(Path model) throws Exception {
        var json = new com.fasterxml.jackson.databind.ObjectMapper().readTree(model.toFile());
        float[][] borders = new float[FEATURES][];
        var floats = json.path("features_info").path("float_features");
        for (int f = 0; f < FEATURES; f++) {
            var list = floats.get(f).path("borders");
            borders[f] = new float[list.size()];
            for (int i = 0; i < list.size(); i++) {
                borders[f][i] = (float) list.get(i).asDouble();
            }
        }
        int base = sample.length / FEATURES;
        int copies = 5;
        float[] out = new float[base * copies * FEATURES];
        Random random = new Random(3);
        float[] specials = {0f, -0f, 1e30f, -1e30f, Float.MAX_VALUE, -Float.MAX_VALUE, Float.POSITIVE_INFINITY,
            Float.NEGATIVE_INFINITY, Float.NaN};
        for (int copy = 0; copy < copies; copy++) {
            for (int r = 0; r < base; r++) {
                int offset = (copy * base + r) * FEATURES;
                System.arraycopy(sample, r * FEATURES, out, offset, FEATURES);
                for (int k = 0; k < 8 && copy > 0; k++) {
                    int f = random.nextInt(FEATURES);
                    float exact = borders[f][random.nextInt(borders[f].length)];
                    out[offset + f] = switch (copy) {
                        case 1 -> Float.NaN;
                        case 2 -> exact;
                        case 3 -> random.nextBoolean() ? Math.nextUp(exact) : Math.nextDown(exact);
                        default -> specials[random.nextInt(specials.length)];
                    };
                }
            }
        }
        return out;
    }
}
