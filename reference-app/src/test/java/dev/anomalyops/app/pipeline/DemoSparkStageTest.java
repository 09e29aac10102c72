package dev.anomalyops.app.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.anomalyops.app.cli.Output;
import dev.anomalyops.app.pipeline.DemoEndToEndTest.Run;
import dev.anomalyops.core.NonRetriableException;
import dev.anomalyops.core.model.ModelBundle;
import dev.anomalyops.core.registry.FileModelRegistry;
import dev.anomalyops.core.registry.ModelRegistry;
import dev.anomalyops.core.registry.ModelVersion;
import dev.anomalyops.core.scoring.FeatureBatch;
import dev.anomalyops.core.scoring.Scorer;
import dev.anomalyops.core.scoring.ScorerOptions;
import dev.anomalyops.core.scoring.Scorers;
import dev.anomalyops.features.metrics.FeatureSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code anomalyops demo --spark} through the real command line: after the single-machine stages, anomaly-spark's
 * stage runs in a real child JVM with Spark 3.5 in local mode (the class path anomaly-spark's build wrote; in the
 * Maven reactor it is packaged before this module's tests run) over the workspace the demo left. Its features must
 * equal the demo's bit for bit, the broadcast Isolation Forest must score as on one machine, and the model trained
 * with xgboost4j-spark must be in the registry and score with the SDK's scorer.
 */
class DemoSparkStageTest {
    @TempDir
    Path temp;

    @Test
    void sparkStageReproducesTheSingleMachineFeaturesAndScoresAndRegistersASparkTrainedModel() throws Exception {
        Run demo = DemoEndToEndTest.cli("demo", "--spark", "--data", DemoEndToEndTest.dataRoot().toString(),
                "--work-dir", temp.toString(), "--max-rows", "6000", "--set", "detector.trees=60");
        assertThat(demo.exitCode()).as(demo.err()).isZero();
        assertThat(demo.err()).contains("[11/11] spark (local mode)", "Spark features train", "Registered smd-spark");
        assertThat(demo.out()).contains("spark          Spark 3.5", "features bit-equal to the single machine's",
                "smd-spark@1 trained on Spark");
        Path root = temp.resolve("demo");
        JsonNode summary = Output.mapper().readTree(root.resolve("summary.json").toFile());
        assertThat(summary.get("stages").fieldNames()).toIterable().last().isEqualTo("spark (local mode)");
        JsonNode spark = summary.get("spark");
        assertThat(spark.get("sparkVersion").asText()).startsWith("3.5.");

        // Features: every row of both splits, no row on one side only, no float that differs in a single bit.
        assertThat(spark.at("/features/equalToSingleMachine").asBoolean()).isTrue();
        for (String split : List.of("train", "test")) {
            JsonNode s = spark.at("/features/splits/" + split);
            assertThat(s.get("rows").asLong()).as(split).isPositive().isEqualTo(s.get("singleMachineRows").asLong())
                    .isEqualTo(summary.at("/features/rows/" + split + "~1machine-1-2").asLong());
            assertThat(s.get("onlySpark").asLong()).isZero();
            assertThat(s.get("onlySingleMachine").asLong()).isZero();
            assertThat(s.get("differingValues").asLong()).isZero();
            assertThat(s.get("rejected").asLong()).as("rejected samples of " + split)
                    .isEqualTo(summary.at("/features/rejected/" + split + "~1machine-1-2").asLong());
        }

        // The forest broadcast over Spark scores every test row exactly as on one machine.
        JsonNode detector = spark.get("detector");
        assertThat(detector.get("rows").asLong()).isEqualTo(spark.at("/features/splits/test/rows").asLong());
        assertThat(detector.get("maxAbsScoreDifference").asDouble()).isZero();
        assertThat(detector.get("flaggedSpark").asLong()).isPositive()
                .isEqualTo(detector.get("flaggedSingleMachine").asLong());

        // xgboost4j-spark on the forest's pseudo-labels, registered next to the demo's models.
        JsonNode training = spark.get("training");
        assertThat(training.get("rows").asLong()).isEqualTo(spark.at("/features/splits/train/rows").asLong());
        assertThat(training.get("pseudoAnomalies").asLong()).isPositive().isLessThan(training.get("rows").asLong());
        assertThat(training.get("workers").asInt()).isEqualTo(2);
        JsonNode holdout = training.get("holdout");
        assertThat(holdout.get("rows").asLong()).isEqualTo(detector.get("rows").asLong());
        assertThat(holdout.get("anomalies").asLong()).isPositive();
        // Trained to imitate a detector that finds the incidents better than chance, it ranks them better than chance.
        assertThat(holdout.get("rocAuc").asDouble()).isGreaterThan(0.5);
        try (ModelRegistry registry = FileModelRegistry.open(root.resolve("registry"))) {
            List<ModelVersion> versions = registry.versions("smd-spark");
            assertThat(versions).hasSize(1);
            assertThat(versions.get(0).tags()).containsEntry("trainer", "xgboost4j-spark");
            ModelBundle bundle = registry.open(versions.get(0));
            FeatureSpec spec = FeatureSpec.read(root.resolve("spark/feature-spec.yaml"));
            assertThat(bundle.schema().names()).isEqualTo(spec.schema().names());
            assertThat(registry.versions("smd")).as("the demo's own models are untouched").hasSize(2);
            float[] row = new float[bundle.schema().size()];
            double[] out = new double[1];
            try (Scorer scorer = Scorers.open(bundle, ScorerOptions.builder().engine("java").build())) {
                scorer.score(FeatureBatch.wrap(bundle.schema(), row, 1), out);
            }
            assertThat(out[0]).isBetween(0.0, 1.0);
        }
        assertThat(Files.readString(root.resolve("report.html"))).contains("On Spark (local mode)",
                "yes, bit for bit");
    }

    @Test
    void aWorkspaceWithoutTheDemoFailsWithAOneLineReason() {
        Workspace empty = new Workspace(temp.resolve("empty"));
        empty.directory("");
        FeatureSpec spec = FeatureSpec.builder("smd").metrics("cpu").raw(true).build();
        PipelineConfig config = PipelineConfig.defaults();
        List<String> progress = new ArrayList<>();
        assertThatThrownBy(() -> SparkStage.run(config, empty, spec, progress::add))
                .isInstanceOf(NonRetriableException.class)
                .hasMessageContaining("The Spark stage failed (exit status 1)")
                .hasMessageContaining("valid/split=train\" does not exist: run the demo (./anomalyops demo) first")
                .hasMessageContaining("spark.log");
        assertThat(empty.root().resolve("spark/result.json")).doesNotExist();
    }
}
