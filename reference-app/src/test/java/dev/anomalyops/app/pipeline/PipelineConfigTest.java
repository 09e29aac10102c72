package dev.anomalyops.app.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.anomalyops.core.ConfigurationException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Defaults, the YAML file, environment overrides, their order, and one exception listing every problem. */
class PipelineConfigTest {
    @TempDir
    Path temp;

    @Test
    void defaultsNeedNoFileAndFindTheDataNextToTheRepository() {
        PipelineConfig config = PipelineConfig.load(null, name -> null, Map.of(), Path.of("/repo/anomalyops"));
        assertThat(config.data().source()).isEqualTo("/repo/shared/data");
        assertThat(config.data().machines()).containsExactly("machine-1-2");
        assertThat(config.registry()).isEqualTo("registry");
        assertThat(config.detector().trees()).isEqualTo(100);
        assertThat(config.detector().contamination()).isEqualTo("auto");
        assertThat(config.review().budget()).isEqualTo(0.2);
        assertThat(config.retrain().alias()).isEqualTo("staging");
        assertThat(config.workDir()).isEqualTo(Path.of("anomalyops-work"));
    }

    @Test
    void fileThenEnvironmentThenCommandLine() throws Exception {
        Path file = temp.resolve("anomalyops.yaml");
        Files.writeString(file, """
                data:
                  machines: [machine-2-1, machine-3-2]
                  max-rows: 500
                registry: s3://models/prod
                detector:
                  trees: 50
                  seed: 7
                features:
                  windows: [5, 30]
                """);
        Map<String, String> env = Map.of("ANOMALYOPS_DETECTOR_TREES", "80", "ANOMALYOPS_REGISTRY", "/srv/registry",
                "ANOMALYOPS_DRIFT_ALERT_PSI", "0.1");
        PipelineConfig config = PipelineConfig.load(file, env::get, Map.of("detector.seed", "9"), temp);
        assertThat(config.data().machines()).containsExactly("machine-2-1", "machine-3-2");
        assertThat(config.data().maxRows()).isEqualTo(500);
        assertThat(config.features().windows()).containsExactly(5, 30);
        assertThat(config.detector().trees()).as("environment over file").isEqualTo(80);
        assertThat(config.registry()).as("the registry commands' variable").isEqualTo("/srv/registry");
        assertThat(config.drift().alertPsi()).isEqualTo(0.1);
        assertThat(config.detector().seed()).as("command line over everything").isEqualTo(9);
    }

    @Test
    void everyProblemIsReportedAtOnce() throws Exception {
        Path file = temp.resolve("bad.yaml");
        Files.writeString(file, """
                detector:
                  trees: many
                  contamination: 0.9
                  colour: blue
                review:
                  budget: 2
                features:
                  stats: [mean, median]
                """);
        assertThatThrownBy(() -> PipelineConfig.load(file, Map.of("ANOMALYOPS_DATA_MACHINES", " ")::get, Map.of(),
                temp))
                .isInstanceOfSatisfying(ConfigurationException.class, e -> assertThat(e.violations()).satisfiesExactlyInAnyOrder(
                        v -> assertThat(v).contains("\"detector.colour\"").contains("unknown"),
                        v -> assertThat(v).contains("\"detector.trees\"").contains("\"many\"").contains("whole number"),
                        v -> assertThat(v).contains("\"detector.contamination\"").contains("(0, 0.5]"),
                        v -> assertThat(v).contains("\"review.budget\"").contains("between 0 and 1"),
                        v -> assertThat(v).contains("\"features.stats\"").contains("\"median\"")));
    }

    @Test
    void environmentVariableNamesFollowTheKeys() {
        assertThat(PipelineConfig.environmentVariable("detector.trees")).isEqualTo("ANOMALYOPS_DETECTOR_TREES");
        assertThat(PipelineConfig.environmentVariable("retrain.max-pr-auc-drop"))
                .isEqualTo("ANOMALYOPS_RETRAIN_MAX_PR_AUC_DROP");
        assertThat(PipelineConfig.environmentVariable("registry")).isEqualTo("ANOMALYOPS_REGISTRY");
        assertThat(PipelineConfig.keys()).contains("data.source", "work-dir", "validation.min-width");
    }

    @Test
    void unreadableFileIsOneClearError() throws Exception {
        Path file = temp.resolve("broken.yaml");
        Files.writeString(file, "detector: [unclosed");
        assertThatThrownBy(() -> PipelineConfig.load(file, n -> null, Map.of(), temp))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("broken.yaml");
        Files.writeString(file, "- a\n- b\n");
        assertThatThrownBy(() -> PipelineConfig.load(file, n -> null, Map.of(), temp))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("mapping");
    }
}
