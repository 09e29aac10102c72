package dev.anomalyops.scoring.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.anomalyops.core.BackendUnavailableException;
import dev.anomalyops.core.ConfigurationException;
import dev.anomalyops.core.FeatureSchema;
import dev.anomalyops.core.ModelException;
import dev.anomalyops.core.model.ModelBundle;
import dev.anomalyops.core.model.ModelFormat;
import dev.anomalyops.core.scoring.Scorer;
import dev.anomalyops.core.scoring.ScorerOptions;
import dev.anomalyops.core.scoring.ScorerProvider;
import dev.anomalyops.core.scoring.Scorers;
import dev.anomalyops.core.testing.XgboostJsonModels;
import dev.anomalyops.core.trees.TreeEnsemble;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The engine's wiring: discovery, feature names, the CUDA fallback on this CPU-only build, refused models. */
class OnnxScorerProviderTest {
    @TempDir
    static Path temp;

    private static ModelBundle xgboost;
    private static ModelBundle onnx;

    @BeforeAll
    static void models() throws Exception {
        Path file = temp.resolve("model.json");
        XgboostJsonModels.write(file, new XgboostJsonModels.Spec(4, 20, 4, 0.0, "binary:logistic", 0.5f), 3);
        xgboost = ModelBundle.builder("cpu", "7").model(ModelFormat.XGBOOST_JSON, file)
                .schema(FeatureSchema.of("cpu_user", "cpu_system", "mem_used", "net_in")).threshold(0.6)
                .writeTo(temp.resolve("xgb"));
        onnx = OnnxExporter.exportBundle(xgboost, temp.resolve("onnx"));
    }

    @Test
    void theProviderIsFoundAndPicksOnnxBundles() {
        ScorerProvider provider = Scorers.provider(ModelFormat.ONNX, ScorerOptions.defaults());
        assertThat(provider).isInstanceOf(OnnxScorerProvider.class);
        assertThat(provider.isAvailable()).isTrue();
    }

    @Test
    void featureNamesTravelInTheModelMetadata() {
        Path file = temp.resolve("bare.onnx");
        OnnxExporter.export(xgboost, file);
        ModelBundle imported = Scorers.load(file);
        assertThat(imported.format()).isEqualTo(ModelFormat.ONNX);
        assertThat(imported.schema().names()).containsExactly("cpu_user", "cpu_system", "mem_used", "net_in");
    }

    @Test
    void cudaFallsBackToTheCpuWithAReasonOnTheCpuBuild() {
        try (Scorer scorer = Scorers.open(onnx, ScorerOptions.builder().property("onnx.provider", "cuda").build());
                Scorer cpu = Scorers.open(onnx, ScorerOptions.defaults())) {
            OnnxScorer onnxScorer = (OnnxScorer) scorer;
            assertThat(onnxScorer.executionProvider()).isEqualTo("cpu");
            assertThat(onnxScorer.fallbackReason()).hasValueSatisfying(r -> assertThat(r).contains("CUDA"));
            assertThat(((OnnxScorer) cpu).fallbackReason()).isEmpty();
            float[] row = {0.5f, -1f, Float.NaN, 3f};
            assertThat(scorer.probability(row)).isEqualTo(cpu.probability(row));
        }
    }

    @Test
    void cudaRequiredRefusesToFallBack() {
        assertThatThrownBy(() -> Scorers.open(onnx, ScorerOptions.builder().property("onnx.provider", "cuda-required")
                .build())).isInstanceOf(BackendUnavailableException.class).hasMessageContaining("CUDA");
        assertThatThrownBy(() -> Scorers.open(onnx, ScorerOptions.builder().property("onnx.provider", "tpu").build()))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("onnx.provider");
    }

    @Test
    void categoricalSplitsAreRefusedWithAReason() throws Exception {
        Path file = temp.resolve("categorical.json");
        XgboostJsonModels.write(file, new XgboostJsonModels.Spec(4, 10, 4, 0.5, "binary:logistic", 0.5f), 5);
        TreeEnsemble model = TreeEnsemble.read(file, ModelFormat.XGBOOST_JSON);
        assertThatThrownBy(() -> OnnxExporter.export(model, new OnnxExporter.Options("c", "1",
                List.of("a", "b", "c", "d"), 0.5, null)))
                .isInstanceOf(ModelException.class).hasMessageContaining("categories");
    }
}
