package dev.anomalyops.train.detect;

import static org.assertj.core.api.Assertions.assertThat;

import dev.anomalyops.core.Prediction;
import dev.anomalyops.core.model.ModelBundle;
import dev.anomalyops.core.model.ModelFormat;
import dev.anomalyops.core.scoring.FeatureBatch;
import dev.anomalyops.core.scoring.Scorer;
import dev.anomalyops.core.scoring.ScorerOptions;
import dev.anomalyops.core.scoring.ScorerProvider;
import dev.anomalyops.core.scoring.Scorers;
import dev.anomalyops.train.RowSource;
import dev.anomalyops.train.testing.Synthetic;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ServiceLoader;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Fitted detectors travel as model bundles and score through the core Scorer SPI exactly as in memory. */
class DetectorBundleTest {
    @TempDir
    Path temp;

    @Test
    void providersAreRegistered() {
        assertThat(ServiceLoader.load(ScorerProvider.class).stream().map(p -> p.type().getSimpleName())
                .collect(Collectors.toList()))
                .contains("IsolationForestScorerProvider", "OneClassSvmScorerProvider");
        assertThat(Scorers.provider(ModelFormat.ISOLATION_FOREST, ScorerOptions.defaults()).name())
                .isEqualTo("isolation-forest");
    }

    @Test
    void isolationForestBundleScoresLikeTheModel() throws Exception {
        FeatureBatch rows = Synthetic.cloud(2000, 5, 40, 8);
        IsolationForestModel model = IsolationForest.builder().contamination(0.025).seed(4).build().fit(RowSource.of(rows));
        ModelBundle bundle = model.toBundle("cpu-iforest", "1")
                .metadata("labels.weight.human", "5")
                .createdAt(Instant.parse("2026-11-29T00:00:00Z"))
                .writeTo(temp.resolve("bundle"));
        assertThat(bundle.manifest().threshold()).isEqualTo(model.threshold());
        assertThat(bundle.manifest().hyperParameters()).containsEntry("n_estimators", "100");
        assertThat(bundle.manifest().metadata()).containsEntry("detector", "isolation-forest");
        assertThat(ModelFormat.detect(bundle.modelFile())).isEqualTo(ModelFormat.ISOLATION_FOREST);

        double[] expected = model.scoreAll(RowSource.of(rows));
        bundle.writeArchive(temp.resolve("bundle.zip"));
        for (Path path : new Path[] {temp.resolve("bundle"), temp.resolve("bundle.zip")}) {
            try (Scorer scorer = Scorers.open(path, ScorerOptions.builder().threads(2).build())) {
                double[] actual = new double[rows.rows()];
                scorer.score(rows, actual);
                assertThat(actual).containsExactly(expected);
                assertThat(scorer.model().engine()).isEqualTo("isolation-forest");
                for (int r = 0; r < 200; r++) {
                    Prediction prediction = scorer.predict(rows.copyRow(r));
                    assertThat(prediction.anomalyProbability()).isEqualTo(expected[r]);
                    assertThat(prediction.isAnomaly()).isEqualTo(expected[r] >= model.threshold());
                }
            }
        }
        // A bare model file is recognised and imported with its schema.
        Path bare = temp.resolve("model.json");
        Files.copy(bundle.modelFile(), bare);
        try (Scorer scorer = Scorers.open(bare)) {
            assertThat(scorer.model().schema()).isEqualTo(rows.schema());
            assertThat(scorer.probability(rows.copyRow(39))).isEqualTo(expected[39]);
        }
    }

    @Test
    void oneClassSvmBundleScoresLikeTheModel() {
        FeatureBatch rows = Synthetic.cloud(1500, 3, 0, 8);
        for (int r = 0; r < rows.rows() * 3; r++) {
            rows.values()[r] += 5f;
        }
        OneClassSvmModel model = OneClassSvm.builder().build().fit(RowSource.of(rows));
        ModelBundle bundle = model.toBundle("ocsvm", "1").writeTo(temp.resolve("svm"));
        try (Scorer scorer = Scorers.open(bundle, ScorerOptions.defaults())) {
            double[] actual = new double[rows.rows()];
            scorer.score(rows, actual);
            assertThat(actual).containsExactly(model.scoreAll(RowSource.of(rows)));
            assertThat(scorer.model().engine()).isEqualTo("one-class-svm");
        }
    }
}
