package dev.anomalyops.scoring.xgboost;

import static org.assertj.core.api.Assertions.assertThat;

import dev.anomalyops.core.FeatureSchema;
import dev.anomalyops.core.model.ModelBundle;
import dev.anomalyops.core.model.ModelFormat;
import dev.anomalyops.core.scoring.FeatureBatch;
import dev.anomalyops.core.scoring.Scorer;
import dev.anomalyops.core.scoring.ScorerOptions;
import dev.anomalyops.core.scoring.Scorers;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.stream.Stream;
import ml.dmlc.xgboost4j.java.Booster;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The pure-Java engine against XGBoost's own native predictor, on models trained here by xgboost4j on real
 * server metrics (SMD machine-1-2) and saved as JSON and as UBJ, over more than 100,000 rows that include
 * NaN, signed zeros, huge values, infinities and values exactly on and one ulp around split thresholds.
 */
class XgboostParityTest {
    @TempDir
    static Path temp;

    private static float[] trainValues;
    private static float[] trainLabels;
    private static float[] baseRows;

    @BeforeAll
    static void loadData() {
        float[] test = ParityData.smd("smd/test/machine-1-2.txt.gz");
        trainLabels = ParityData.labels("smd/test_label/machine-1-2.txt");
        trainValues = ParityData.withMissing(test, 0.05, 11);
        baseRows = ParityData.smd("smd/train/machine-1-2.txt.gz");
    }

    static Stream<Arguments> models() {
        return Stream.of(
                Arguments.of("binary-logistic", Map.of(), 100),
                Arguments.of("binary-logitraw", Map.of("objective", "binary:logitraw"), 60),
                Arguments.of("regression", Map.of("objective", "reg:squarederror"), 60),
                Arguments.of("poisson", Map.of("objective", "count:poisson", "max_depth", 4), 40),
                Arguments.of("softprob-2", Map.of("objective", "multi:softprob", "num_class", 2), 40),
                Arguments.of("dart", Map.of("booster", "dart", "rate_drop", 0.2, "skip_drop", 0.0), 40),
                Arguments.of("depth-8-approx", Map.of("max_depth", 8, "tree_method", "approx"), 50),
                Arguments.of("depthwise-exact", Map.of("tree_method", "exact", "max_depth", 5), 40));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("models")
    void javaEngineMatchesXgboostNatively(String name, Map<String, Object> params, int rounds) throws Exception {
        Booster booster = XgboostModels.train(trainValues, trainLabels, ParityData.FEATURES, params, rounds);
        Path json = temp.resolve(name + ".json");
        Path ubj = temp.resolve(name + ".ubj");
        booster.saveModel(json.toString());
        booster.saveModel(ubj.toString());

        float[] rows = ParityData.adversarial(baseRows, XgboostModels.thresholds(json, ParityData.FEATURES), 5);
        int n = rows.length / ParityData.FEATURES;
        assertThat(n).isGreaterThanOrEqualTo(100_000);
        float[][] expected = booster.inplace_predict(rows, n, ParityData.FEATURES, Float.NaN);
        double[] reference = new double[n];
        for (int r = 0; r < n; r++) {
            reference[r] = expected[r][expected[r].length - 1];
        }
        booster.dispose();

        for (Path file : new Path[] {json, ubj}) {
            ModelFormat format = file.toString().endsWith(".ubj") ? ModelFormat.XGBOOST_UBJ : ModelFormat.XGBOOST_JSON;
            ModelBundle bundle = ModelBundle.builder(name, "1").model(format, file)
                    .schema(FeatureSchema.unnamed(ParityData.FEATURES))
                    .writeTo(temp.resolve(name + "-" + format.id()));
            try (Scorer pure = Scorers.open(bundle, ScorerOptions.builder().engine("java").build());
                    Scorer xgboost = Scorers.open(bundle, ScorerOptions.builder().engine("xgboost4j").build())) {
                double[] ours = new double[n];
                pure.score(FeatureBatch.wrap(pure.model().schema(), rows, n), ours);
                double diff = ParityData.maxAbsDiff(ours, reference, n);
                System.out.printf("parity %-16s %-13s rows=%d max|java - xgboost4j|=%.3g%n", name, format, n, diff);
                assertThat(diff).as("%s %s batch", name, format).isLessThanOrEqualTo(1e-6);

                double[] native2 = new double[n];
                xgboost.score(FeatureBatch.wrap(xgboost.model().schema(), rows, n), native2);
                assertThat(ParityData.maxAbsDiff(native2, reference, n)).as("xgboost4j engine").isEqualTo(0.0);

                for (int r = 0; r < n; r += 97) {
                    float[] row = Arrays.copyOfRange(rows, r * ParityData.FEATURES, (r + 1) * ParityData.FEATURES);
                    assertThat(pure.probability(row)).as("single row %d", r).isEqualTo(ours[r]);
                }
            }
        }
    }
}
