package dev.anomalyops.triton;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import dev.anomalyops.core.FeatureSchema;
import dev.anomalyops.core.ModelException;
import dev.anomalyops.core.model.ModelBundle;
import dev.anomalyops.core.model.ModelFormat;
import dev.anomalyops.core.testing.CatboostJsonModels;
import dev.anomalyops.core.testing.XgboostJsonModels;
import dev.anomalyops.scoring.onnx.OnnxExporter;
import dev.anomalyops.triton.repository.TritonModelConfig;
import dev.anomalyops.triton.repository.TritonRepositoryExporter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Triton repositories as written: layout, and each config.pbtxt parsed back with protobuf's strict text format
 * against ModelConfig; the ONNX model's own input and output names (read by ONNX Runtime) match the config.
 */
class TritonRepositoryExporterTest {
    @TempDir
    Path temp;

    private ModelBundle xgboost() throws Exception {
        Path file = temp.resolve("m.json");
        XgboostJsonModels.write(file, new XgboostJsonModels.Spec(5, 20, 4, 0.0, "binary:logistic", 0.5f), 4);
        return ModelBundle.builder("cpu", "3").model(ModelFormat.XGBOOST_JSON, file)
                .schema(FeatureSchema.of("a", "b", "c", "d", "e")).threshold(0.35).writeTo(temp.resolve("b"));
    }

    @Test
    void filRepositoryForXgboost() throws Exception {
        Path models = temp.resolve("models");
        Path dir = TritonRepositoryExporter.writeFil(models, xgboost(),
                new TritonRepositoryExporter.Options("cpu", 3, 32768, java.time.Duration.ofNanos(100_000), 1));
        assertThat(dir.resolve("3/xgboost.json")).exists();
        TritonModelConfig config = TritonRepositoryExporter.read(dir.resolve("config.pbtxt"));
        assertThat(config.backend()).isEqualTo("fil");
        assertThat(config.name()).isEqualTo("cpu");
        assertThat(config.maxBatchSize()).isEqualTo(32768);
        assertThat(config.inputs()).containsExactly("input__0:TYPE_FP32:[5]");
        assertThat(config.outputs()).containsExactly("output__0:TYPE_FP32:[2]");
        assertThat(config.instanceKinds()).containsExactly("KIND_GPU");
        assertThat(config.dynamicBatching()).isTrue();
        assertThat(config.parameters()).containsEntry("model_type", "xgboost_json")
                .containsEntry("predict_proba", "true").containsEntry("threshold", "0.35");
        assertThat(TritonRepositoryExporter.read(dir.resolve("configs/cpu.pbtxt")).instanceKinds())
                .containsExactly("KIND_CPU");
    }

    @Test
    void onnxRepositoryForAnyTreeModel() throws Exception {
        Path file = temp.resolve("cb.json");
        CatboostJsonModels.write(file, 5, 30, 4, 8, null, 3, true);
        ModelBundle catboost = ModelBundle.builder("cb", "1").model(ModelFormat.CATBOOST_JSON, file)
                .schema(FeatureSchema.of("a", "b", "c", "d", "e")).writeTo(temp.resolve("cb"));
        Path dir = TritonRepositoryExporter.writeOnnx(temp.resolve("models"), catboost, OnnxExporter.export(catboost),
                TritonRepositoryExporter.Options.of("cb"));
        TritonModelConfig config = TritonRepositoryExporter.read(dir.resolve("config.pbtxt"));
        assertThat(config.backend()).isEqualTo("onnxruntime");
        assertThat(config.inputs()).containsExactly("input:TYPE_FP32:[5]");
        assertThat(config.outputs()).containsExactly("label:TYPE_INT64:[1]", "probabilities:TYPE_FP32:[2]");
        try (OrtSession session = OrtEnvironment.getEnvironment().createSession(dir.resolve("1/model.onnx").toString())) {
            assertThat(session.getInputNames()).containsExactly("input");
            assertThat(session.getOutputNames()).containsExactlyInAnyOrder("label", "probabilities");
        }
        assertThatThrownBy(() -> TritonRepositoryExporter.writeFil(temp.resolve("models"), catboost,
                TritonRepositoryExporter.Options.of("cb-fil"))).isInstanceOf(ModelException.class)
                .hasMessageContaining("onnxruntime");
    }

    @Test
    void aConfigWithAFieldModelConfigLacksFailsToParse() throws Exception {
        Path bad = temp.resolve("config.pbtxt");
        Files.writeString(bad, "name: \"m\"\nbackend: \"fil\"\nmax_batch_size: 8\nbogus_field: 3\n");
        assertThatThrownBy(() -> TritonRepositoryExporter.read(bad)).isInstanceOf(ModelException.class)
                .hasMessageContaining("bogus_field");
        // Triton's documentation style (list syntax, comments) parses.
        Files.writeString(bad, "backend: \"fil\"\nmax_batch_size: 32768\n"
                + "input [ { name: \"input__0\" data_type: TYPE_FP32 dims: [ 32 ] } ]  # features\n"
                + "output [ { name: \"output__0\" data_type: TYPE_FP32 dims: [ 1 ] } ]\n"
                + "instance_group [ { kind: KIND_GPU count: 1 } ]\n"
                + "dynamic_batching { max_queue_delay_microseconds: 100 }\n"
                + "parameters [ { key: \"model_type\" value: { string_value: \"xgboost_ubj\" } } ]\n");
        assertThat(TritonRepositoryExporter.read(bad).inputs()).containsExactly("input__0:TYPE_FP32:[32]");
    }
}
