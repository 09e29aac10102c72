package dev.anomalyops.train.supervised;

import static org.assertj.core.api.Assertions.assertThat;

import dev.anomalyops.core.FeatureSchema;
import dev.anomalyops.core.model.ModelBundle;
import dev.anomalyops.core.model.ModelFormat;
import dev.anomalyops.core.registry.FileModelRegistry;
import dev.anomalyops.core.scoring.FeatureBatch;
import dev.anomalyops.core.scoring.Scorer;
import dev.anomalyops.core.scoring.Scorers;
import dev.anomalyops.core.testing.CatboostJsonModels;
import dev.anomalyops.train.testing.Synthetic;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The supervised stage end to end with the real engines, a file registry and an imported CatBoost model. */
class SupervisedTrainingTest {
    static final FeatureSchema SCHEMA = FeatureSchema.of("m0", "m1", "m2", "m3");  // the names CatboostJsonModels gives its features

    static TrainingData data(int rows, long seed) {
        FeatureBatch cloud = Synthetic.cloud(rows, 4, 20, seed);
        return TrainingData.of(FeatureBatch.wrap(SCHEMA, cloud.values(), rows), Synthetic.labels(rows, 20));
    }

    static SupervisedTraining.Builder stage() {
        return SupervisedTraining.builder()
                .champion(XgboostTrainer.builder().rounds(20).build())
                .challenger(LightgbmTrainer.builder().rounds(20).build())
                .crossValidation(CrossValidation.builder().folds(3).build())
                .bootstrapResamples(200);
    }

    @Test
    void goodModelPassesTheGatesAndIsRegisteredAsStaging(@TempDir Path dir) throws Exception {
        TrainingReport report = stage().build().run(data(3000, 1));
        assertThat(report.passed()).isTrue();
        assertThat(report.championResult().holdout().pointwise().f1()).isGreaterThan(0.85);
        assertThat(report.models()).extracting(CandidateResult::name).containsExactly("xgboost", "lightgbm");
        assertThat(report.comparisons()).hasSize(1);
        assertThat(report.crossValidation().scheme()).isEqualTo(FoldScheme.STRATIFIED);
        assertThat(report.crossValidation().folds()).hasSize(3);
        ModelBundle bundle = report.writeBundle(dir.resolve("bundle"), "anomaly", "1");
        assertThat(bundle.manifest().scaler()).isPresent();
        assertThat(bundle.manifest().threshold()).isEqualTo(report.championResult().threshold());
        assertThat(Files.readString(bundle.file("report.json"))).contains("\"cross_validation\"", "\"top_features\"",
                "\"calibration\"", "\"mcnemar_p\"");

        FileModelRegistry registry = FileModelRegistry.open(dir.resolve("registry"));
        var version = report.register(registry, "anomaly", bundle);
        assertThat(version).isPresent();
        assertThat(registry.resolve("anomaly", TrainingReport.STAGING)).contains(version.get());

        // The bundle scores raw rows like the model did on scaled ones: the scaler travels with it.
        TrainingData holdout = data(500, 7);
        try (Scorer scorer = Scorers.open(bundle.directory())) {
            double[] p = new double[holdout.size()];
            scorer.score(FeatureBatch.wrap(scorer.model().schema(), holdout.rows().values(), holdout.size()), p);
            assertThat(dev.anomalyops.train.eval.RankingMetrics.rocAuc(p, holdout.labels())).isGreaterThan(0.99);
        }
    }

    @Test
    void deliberatelyBadModelIsBlockedAndNothingIsRegistered(@TempDir Path dir) {
        TrainingData good = data(3000, 2);
        int[] shuffled = good.labels().clone();
        SplittableRandom random = new SplittableRandom(3);
        for (int i = shuffled.length - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = shuffled[i];
            shuffled[i] = shuffled[j];
            shuffled[j] = t;
        }
        // Labels shuffled in the training rows only: the model learns noise, the hold-out keeps the truth.
        TrainingData bad = TrainingData.of(good.rows(), shuffled);
        TrainingReport report = stage().build().run(bad.range(0, 2400), good.range(2400, 3000));
        assertThat(report.passed()).isFalse();
        assertThat(report.gates().failures()).extracting(QualityGates.Failure::gate).contains("f1");
        assertThat(report.gates().failures()).allSatisfy(f -> assertThat(f.shortfall()).isPositive());
        ModelBundle bundle = report.writeBundle(dir.resolve("bundle"), "anomaly", "1");
        FileModelRegistry registry = FileModelRegistry.open(dir.resolve("registry"));
        assertThat(report.register(registry, "anomaly", bundle)).isEmpty();
        assertThat(registry.models()).isEmpty();
        assertThat(report.toJson()).contains("\"passed\" : false", "short by");
    }

    @Test
    void sameSeedSameBundleBytes(@TempDir Path dir) {
        TrainingData data = data(2000, 4);
        ModelBundle first = stage().build().run(data).writeBundle(dir.resolve("a"), "anomaly", "1");
        ModelBundle second = stage().build().run(data).writeBundle(dir.resolve("b"), "anomaly", "1");
        assertThat(second.checksum()).isEqualTo(first.checksum());
        ModelBundle otherSeed = stage().champion(XgboostTrainer.builder().rounds(20).seed(9)
                        .param("subsample", 0.7).build()).build().run(data).writeBundle(dir.resolve("c"), "anomaly", "1");
        assertThat(otherSeed.checksum()).isNotEqualTo(first.checksum());
    }

    @Test
    void importedCatboostChallengerIsScoredThroughTheScorerSpi(@TempDir Path dir) throws Exception {
        TrainingData data = data(2000, 5);
        Path model = dir.resolve("challenger.json");
        CatboostJsonModels.write(model, 4, 20, 4, 8, data.rows().values(), 11, true);
        try (ImportedModel catboost = ImportedModel.importFile("catboost-imported", model, ModelFormat.CATBOOST_JSON,
                SCHEMA, 0.5, dir.resolve("imported"))) {
            assertThat(catboost.engine()).isNotBlank();
            TrainingReport report = stage().imported(catboost).build().run(data);
            assertThat(report.models()).extracting(CandidateResult::name)
                    .containsExactly("xgboost", "lightgbm", "catboost-imported");
            Comparison vsCatboost = report.comparisons().get(1);
            assertThat(vsCatboost.challenger()).isEqualTo("catboost-imported");
            // A random CatBoost model does not beat a trained champion: keep the champion.
            assertThat(vsCatboost.recommendation()).isEqualTo(Comparison.KEEP);
            assertThat(vsCatboost.f1Difference()).isNegative();
            FileModelRegistry registry = FileModelRegistry.open(dir.resolve("registry"));
            assertThat(catboost.register(registry, "anomaly-challengers").version()).isEqualTo(1);
        }
    }

    @Test
    void driftReferenceHookLandsInTheBundle(@TempDir Path dir) {
        DriftProfiler profiler = new DriftProfiler() {
            @Override
            public String fileName() {
                return "drift-reference.json";
            }

            @Override
            public byte[] profile(FeatureBatch rows, double[] probabilities) {
                return ("{\"rows\":" + rows.rows() + "}").getBytes(StandardCharsets.UTF_8);
            }
        };
        ModelBundle bundle = stage().driftProfiler(profiler).build().run(data(1000, 6))
                .writeBundle(dir.resolve("b"), "anomaly", "1");
        assertThat(bundle.driftReference()).isPresent();
    }
}
