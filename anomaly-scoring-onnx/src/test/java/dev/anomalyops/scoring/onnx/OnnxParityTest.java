package dev.anomalyops.scoring.onnx;

import static org.assertj.core.api.Assertions.assertThat;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import dev.anomalyops.core.FeatureSchema;
import dev.anomalyops.core.model.ModelBundle;
import dev.anomalyops.core.model.ModelFormat;
import dev.anomalyops.core.model.Scaler;
import dev.anomalyops.core.scoring.FeatureBatch;
import dev.anomalyops.core.scoring.Scorer;
import dev.anomalyops.core.scoring.ScorerOptions;
import dev.anomalyops.core.scoring.Scorers;
import dev.anomalyops.core.testing.CatboostJsonModels;
import dev.anomalyops.core.trees.TreeEnsemble;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import ml.dmlc.xgboost4j.java.Booster;
import ml.dmlc.xgboost4j.java.DMatrix;
import ml.dmlc.xgboost4j.java.XGBoost;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Exported ONNX models scored by ONNX Runtime against the models' own libraries: XGBoost models trained here by
 * xgboost4j on real server metrics (SMD machine-1-2) and scored by XGBoost's native predictor, and CatBoost JSON
 * models scored by CatBoost's native evaluator (catboost-prediction). More than 100,000 rows each, including NaN,
 * values exactly on and one ulp around split thresholds, signed zeros, huge values and infinities. The issue's
 * bar is 1e-5.
 */
class OnnxParityTest {
    private static final double TOLERANCE = 1e-5;

    @TempDir
    static Path temp;

    private static float[] trainValues;
    private static float[] trainLabels;
    private static float[] baseRows;

    @BeforeAll
    static void loadData() {
        trainValues = Rows.withMissing(Rows.smd("smd/test/machine-1-2.txt.gz"), 0.05, 11);
        trainLabels = Rows.labels("smd/test_label/machine-1-2.txt");
        baseRows = Rows.smd("smd/train/machine-1-2.txt.gz");
    }

    static Stream<Arguments> xgboostModels() {
        return Stream.of(
                Arguments.of("binary-logistic-100x6", Map.of(), 100),
                Arguments.of("binary-logitraw", Map.of("objective", "binary:logitraw"), 40),
                Arguments.of("regression", Map.of("objective", "reg:squarederror"), 40),
                Arguments.of("poisson", Map.of("objective", "count:poisson", "max_depth", 4), 30),
                Arguments.of("softprob-2", Map.of("objective", "multi:softprob", "num_class", 2), 30),
                Arguments.of("dart", Map.of("booster", "dart", "rate_drop", 0.2, "skip_drop", 0.0), 30),
                Arguments.of("depth-8-approx", Map.of("max_depth", 8, "tree_method", "approx"), 40));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("xgboostModels")
    void onnxMatchesXgboostNatively(String name, Map<String, Object> overrides, int rounds) throws Exception {
        DMatrix data = new DMatrix(trainValues, trainLabels.length, Rows.FEATURES, Float.NaN);
        data.setLabel(trainLabels);
        Map<String, Object> params = new HashMap<>(Map.of("objective", "binary:logistic", "max_depth", 6, "eta", 0.3,
                "tree_method", "hist", "nthread", 1, "seed", 7));
        params.putAll(overrides);
        Booster booster = XGBoost.train(data, params, rounds, Map.of(), null, null);
        data.dispose();
        Path json = temp.resolve(name + ".json");
        booster.saveModel(json.toString());

        TreeEnsemble ensemble = TreeEnsemble.read(json, ModelFormat.XGBOOST_JSON);
        float[] rows = Rows.adversarial(baseRows, thresholds(ensemble), 5);
        int n = rows.length / Rows.FEATURES;
        assertThat(n).isGreaterThanOrEqualTo(100_000);
        float[][] expected = booster.inplace_predict(rows, n, Rows.FEATURES, Float.NaN);
        booster.dispose();
        double[] reference = new double[n];
        for (int r = 0; r < n; r++) {
            reference[r] = expected[r][expected[r].length - 1];
        }

        ModelBundle bundle = ModelBundle.builder(name, "1").model(ModelFormat.XGBOOST_JSON, json)
                .schema(schema()).threshold(0.3).writeTo(temp.resolve(name + "-xgb"));
        ModelBundle onnx = OnnxExporter.exportBundle(bundle, temp.resolve(name + "-onnx"));
        double[] ours = score(onnx, rows, n);
        double diff = Rows.maxAbsDiff(ours, reference, n);
        System.out.printf("onnx parity %-22s rows=%d max|onnxruntime - xgboost4j|=%.3g%n", name, n, diff);
        assertThat(diff).as(name).isLessThanOrEqualTo(TOLERANCE);
        assertLabelsFollowTheThreshold(onnx, rows, n, reference, 0.3);
    }

    static Stream<Arguments> catboostModels() {
        return Stream.of(Arguments.of("cb-logloss-100x6", 100, 6, true), Arguments.of("cb-rmse-60x4", 60, 4, false),
                Arguments.of("cb-logloss-30x10", 30, 10, true));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("catboostModels")
    void onnxMatchesCatboostNatively(String name, int trees, int depth, boolean logloss) throws Exception {
        Path file = temp.resolve(name + ".json");
        CatboostJsonModels.write(file, Rows.FEATURES, trees, depth, 32, baseRows, name.hashCode(), logloss);
        TreeEnsemble ensemble = TreeEnsemble.read(file, ModelFormat.CATBOOST_JSON);
        float[] rows = Rows.adversarial(baseRows, thresholds(ensemble), 3);
        int n = rows.length / Rows.FEATURES;
        ModelBundle bundle = ModelBundle.builder(name, "1").model(ModelFormat.CATBOOST_JSON, file).schema(schema())
                .writeTo(temp.resolve(name + "-cb"));
        double[] reference = new double[n];
        try (Scorer catboost = Scorers.open(bundle, ScorerOptions.builder().engine("catboost").build())) {
            catboost.score(FeatureBatch.wrap(catboost.model().schema(), rows, n), reference);
        }
        double[] ours = score(OnnxExporter.exportBundle(bundle, temp.resolve(name + "-onnx")), rows, n);
        double diff = Rows.maxAbsDiff(ours, reference, n);
        System.out.printf("onnx parity %-22s rows=%d max|onnxruntime - catboost|=%.3g%n", name, n, diff);
        assertThat(diff).as(name).isLessThanOrEqualTo(TOLERANCE);
    }

    @Test
    void aScalerIsFoldedIntoTheGraphInDoublePrecision() throws Exception {
        Path file = temp.resolve("scaled.json");
        // Borders drawn from scaled rows, so scaled values land on them exactly.
        double[] center = new double[Rows.FEATURES];
        double[] scale = new double[Rows.FEATURES];
        for (int f = 0; f < Rows.FEATURES; f++) {
            center[f] = 0.1 * f;
            scale[f] = 0.3 + f * 0.07;
        }
        Scaler scaler = Scaler.of("standard", center, scale);
        float[] scaled = baseRows.clone();
        for (int r = 0; r < scaled.length / Rows.FEATURES; r++) {
            scaler.apply(scaled, r * Rows.FEATURES, scaled, r * Rows.FEATURES);
        }
        CatboostJsonModels.write(file, Rows.FEATURES, 80, 6, 32, scaled, 17, true);
        ModelBundle bundle = ModelBundle.builder("scaled", "1").model(ModelFormat.CATBOOST_JSON, file).schema(schema())
                .scaler(scaler).writeTo(temp.resolve("scaled-cb"));
        int n = baseRows.length / Rows.FEATURES;
        double[] reference = new double[n];
        try (Scorer java = Scorers.open(bundle, ScorerOptions.builder().engine("java").build())) {
            java.score(FeatureBatch.wrap(java.model().schema(), baseRows, n), reference);
        }
        ModelBundle onnx = OnnxExporter.exportBundle(bundle, temp.resolve("scaled-onnx"));
        assertThat(onnx.manifest().scaler()).isEmpty();
        assertThat(Rows.maxAbsDiff(score(onnx, baseRows, n), reference, n)).isLessThanOrEqualTo(TOLERANCE);
    }

    private static double[] score(ModelBundle onnx, float[] rows, int n) {
        try (Scorer scorer = Scorers.open(onnx, ScorerOptions.defaults())) {
            assertThat(scorer.model().engine()).isEqualTo("onnxruntime");
            double[] out = new double[n];
            scorer.score(FeatureBatch.wrap(scorer.model().schema(), rows, n), out);
            // Single rows go through the same graph.
            for (int r = 0; r < n; r += 4099) {
                float[] row = java.util.Arrays.copyOfRange(rows, r * Rows.FEATURES, (r + 1) * Rows.FEATURES);
                assertThat(scorer.probability(row)).isEqualTo(out[r]);
            }
            return out;
        }
    }

    /** Reads both outputs directly: probabilities are [1 - p, p] and label is p >= threshold. */
    private static void assertLabelsFollowTheThreshold(ModelBundle onnx, float[] rows, int n, double[] reference,
            double threshold) throws Exception {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        int take = Math.min(n, 20_000);
        try (OrtSession session = env.createSession(onnx.modelFile().toString());
                OnnxTensor input = OnnxTensor.createTensor(env, FloatBuffer.wrap(rows, 0, take * Rows.FEATURES),
                        new long[] {take, Rows.FEATURES});
                OrtSession.Result result = session.run(Map.of(OnnxExporter.INPUT, input))) {
            OnnxTensor probabilities = (OnnxTensor) result.get(OnnxExporter.PROBABILITIES).orElseThrow();
            OnnxTensor label = (OnnxTensor) result.get(OnnxExporter.LABEL).orElseThrow();
            assertThat(probabilities.getInfo().getShape()).containsExactly(take, 2);
            assertThat(label.getInfo().getShape()).containsExactly(take);
            FloatBuffer p = probabilities.getFloatBuffer();
            LongBuffer l = label.getLongBuffer();
            for (int r = 0; r < take; r++) {
                float p1 = p.get(2 * r + 1);
                assertThat(p.get(2 * r)).isCloseTo(1 - p1, org.assertj.core.data.Offset.offset(1e-6f));
                if (Math.abs(reference[r] - threshold) > TOLERANCE) {
                    assertThat(l.get(r)).as("label of row %d (p=%s)", r, reference[r])
                            .isEqualTo(reference[r] >= threshold ? 1L : 0L);
                }
            }
        }
    }

    static FeatureSchema schema() {
        return FeatureSchema.of(IntStream.range(0, Rows.FEATURES).mapToObj(i -> "m" + i).toArray(String[]::new));
    }

    static float[][] thresholds(TreeEnsemble ensemble) {
        float[][] t = new float[ensemble.featureCount()][];
        for (int f = 0; f < t.length; f++) {
            t[f] = ensemble.thresholds(f);
        }
        return t;
    }
}
