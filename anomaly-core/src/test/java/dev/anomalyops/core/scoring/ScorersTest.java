package dev.anomalyops.core.scoring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.anomalyops.core.BackendUnavailableException;
import dev.anomalyops.core.FeatureSchema;
import dev.anomalyops.core.ModelLoadException;
import dev.anomalyops.core.Prediction;
import dev.anomalyops.core.SchemaMismatchException;
import dev.anomalyops.core.model.ModelBundle;
import dev.anomalyops.core.model.ModelFormat;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ScorersTest {
    @TempDir
    Path temp;

    private ModelBundle constantBundle(double probability, double threshold) {
        return ModelBundle.builder("const", "1")
                .model(ConstantScorerProvider.FORMAT, "model.txt",
                        ("3 " + probability).getBytes(StandardCharsets.UTF_8))
                .schema(FeatureSchema.of("a", "b", "c"))
                .threshold(threshold)
                .writeTo(temp.resolve("bundle-" + probability + "-" + threshold));
    }

    @Test
    void findsTheEngineThroughServiceLoader() {
        assertThat(Scorers.providers()).extracting(ScorerProvider::name).contains("constant");
        try (Scorer scorer = Scorers.open(constantBundle(0.7, 0.5), ScorerOptions.defaults())) {
            assertThat(scorer.model().engine()).isEqualTo("constant");
            double[] out = new double[4];
            scorer.score(FeatureBatch.allocate(scorer.model().schema(), 3), out);
            assertThat(out).containsExactly(0.7, 0.7, 0.7, 0.0);
            Prediction prediction = scorer.predict(new float[] {1, 2, 3});
            assertThat(prediction.label()).isEqualTo(1);
            assertThat(prediction.probabilities()).containsExactly(1 - 0.7, 0.7);
            assertThat(prediction.modelName()).isEqualTo("const");
        }
    }

    @Test
    void labelsAgainstTheBundleThreshold() {
        try (Scorer scorer = Scorers.open(constantBundle(0.7, 0.8), ScorerOptions.defaults())) {
            assertThat(scorer.predict(new float[3]).label()).isZero();
        }
    }

    @Test
    void opensBundleDirectoriesArchivesAndBareModelFiles() throws Exception {
        ModelBundle bundle = constantBundle(0.25, 0.5);
        bundle.writeArchive(temp.resolve("const.zip"));
        Files.writeString(temp.resolve("bare.model"), "5 0.125");
        try (Scorer fromDir = Scorers.open(bundle.directory());
                Scorer fromZip = Scorers.open(temp.resolve("const.zip"))) {
            assertThat(fromDir.probability(new float[3])).isEqualTo(0.25);
            assertThat(fromZip.probability(new float[3])).isEqualTo(0.25);
        }
        ModelBundle imported = Scorers.importModel(temp.resolve("bare.model"), ConstantScorerProvider.FORMAT);
        assertThat(imported.schema()).isEqualTo(FeatureSchema.unnamed(5));
        assertThat(imported.manifest().metadata()).containsEntry("imported.from", "bare.model");
    }

    @Test
    void namesTheArtifactWhenNoEngineSupportsAFormat() throws Exception {
        ModelBundle cbm = ModelBundle.builder("cat", "1")
                .model(ModelFormat.CATBOOST_CBM, "model.cbm", new byte[] {'C', 'B', 'M', '1'})
                .schema(FeatureSchema.of("a"))
                .writeTo(temp.resolve("cat"));
        assertThatThrownBy(() -> Scorers.open(cbm, ScorerOptions.defaults()))
                .isInstanceOf(BackendUnavailableException.class)
                .hasMessageContaining("\"catboost-cbm\"")
                .hasMessageContaining("add the Maven artifact dev.anomalyops:anomaly-scoring-catboost");
        assertThatThrownBy(() -> Scorers.open(constantBundle(0.1, 0.5), ScorerOptions.builder().engine("gpu").build()))
                .isInstanceOf(BackendUnavailableException.class)
                .hasMessageContaining("No engine named \"gpu\" supports test-constant; engines for it on the class path: constant");
    }

    @Test
    void rejectsUnknownFilesAndMismatchedBatches() throws Exception {
        Files.writeString(temp.resolve("mystery.bin"), "nothing we know");
        assertThatThrownBy(() -> Scorers.open(temp.resolve("mystery.bin")))
                .isInstanceOf(ModelLoadException.class)
                .hasMessageContaining("Cannot tell the format of model file");
        try (Scorer scorer = Scorers.open(constantBundle(0.5, 0.5), ScorerOptions.defaults())) {
            assertThatThrownBy(() -> scorer.score(FeatureBatch.allocate(FeatureSchema.of("x"), 1), new double[1]))
                    .isInstanceOf(SchemaMismatchException.class);
            assertThatThrownBy(() -> scorer.score(FeatureBatch.allocate(scorer.model().schema(), 2), new double[1]))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("holds 1 values but the batch has 2 rows");
            assertThatThrownBy(() -> scorer.probability(new float[2]))
                    .hasMessageContaining("Row has 2 values but model \"const\" expects 3 features");
        }
    }

    @Test
    void optionsReportEveryInvalidValue() {
        assertThatThrownBy(() -> ScorerOptions.builder().threads(0).engine(" ").build())
                .isInstanceOf(dev.anomalyops.core.ConfigurationException.class)
                .hasMessageContaining("2 problems")
                .hasMessageContaining("threads was 0")
                .hasMessageContaining("engine was blank");
    }
}
