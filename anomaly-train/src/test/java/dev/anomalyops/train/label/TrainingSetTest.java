package dev.anomalyops.train.label;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.anomalyops.core.ConfigurationException;
import dev.anomalyops.core.FeatureSchema;
import dev.anomalyops.core.model.ModelBundle;
import dev.anomalyops.core.model.ModelFormat;
import dev.anomalyops.train.RowSource;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrainingSetTest {
    private static final Instant T = Instant.parse("2026-11-29T00:00:00Z");

    @TempDir
    Path temp;

    @Test
    void combinesHumanAndPseudoLabelsWithRecordedWeights() throws Exception {
        float[] values = {0, 0, 1, 1, 2, 2, 3, 3, 4, 4};
        RowSource rows = RowSource.of(FeatureSchema.of("a", "b"), values, 5);
        LabelStore store = LabelStore.open(temp.resolve("labels.jsonl"));
        store.append(PseudoLabeler.threshold(0.5).label(new double[] {0.1, 0.2, 0.9, 0.8, 0.3})
                .toLabels(i -> "r" + i, "isolation-forest@x", T), "detector");
        store.append(List.of(Label.human("r2", 0, "alice", T), Label.human("r3", 1, "alice", T),
                Label.human("r3", 0, "bob", T.plusSeconds(5))), "review");
        store.append(List.of(new Label("r4", 1, LabelSource.IMPORTED, "tickets", T, 1.0, "INC-9")), "tickets");

        TrainingSet set = TrainingSet.builder().rows(rows, i -> "r" + i).labels(store).humanWeight(10).build();
        assertThat(set.size()).isEqualTo(5);
        assertThat(set.labels()).containsExactly(0, 0, 0, 0, 1);
        assertThat(set.source(2)).isEqualTo(LabelSource.HUMAN);
        assertThat(set.source(4)).isEqualTo(LabelSource.IMPORTED);
        float[] weights = set.weights();
        assertThat(weights[2]).isEqualTo(10f);
        assertThat(weights[3]).isEqualTo(10f);
        assertThat(weights[4]).isEqualTo(5f);
        // Pseudo-labels weigh 1 × confidence: of the three normal rows, r4 (0.3) is nearest the threshold,
        // r1 (0.2) second (rank 2/3), r0 (0.1) farthest (rank 3/3).
        assertThat(weights[1]).isEqualTo((float) (0.5 + 0.5 * 2 / 3));
        assertThat(weights[0]).isEqualTo(1f);
        assertThat(set.metadata()).containsEntry("labels.human", "2").containsEntry("labels.pseudo", "2")
                .containsEntry("labels.imported", "1").containsEntry("labels.conflicts", "1")
                .containsEntry("labels.weight.human", "10.0").containsEntry("labels.weight.pseudo", "1.0")
                .containsEntry("labels.human_fraction", "0.4");

        TrainingSet strict = TrainingSet.builder().rows(rows, i -> "r" + i).labels(store).excludeConflicts(true).build();
        assertThat(strict.ids()).containsExactly("r0", "r1", "r2", "r4");
        assertThat(strict.metadata()).containsEntry("labels.excluded_conflicts", "1");

        ModelBundle bundle = set.recordIn(ModelBundle.builder("m", "1")
                .model(ModelFormat.ISOLATION_FOREST, "m.json", new byte[] {'{', '}'})
                .schema(rows.schema())).writeTo(temp.resolve("bundle"));
        assertThat(bundle.manifest().metadata()).containsEntry("labels.weight.human", "10.0");

        set.writeCsv(temp.resolve("train.csv"));
        assertThat(Files.readAllLines(temp.resolve("train.csv"))).startsWith("id,label,weight,source,a,b",
                "r0,0,1.0,pseudo,0.0,0.0");
    }

    @Test
    void reportsMissingInputsAndBadWeightsAtOnce() {
        assertThatThrownBy(() -> TrainingSet.builder().humanWeight(-1).build())
                .isInstanceOf(ConfigurationException.class)
                .satisfies(e -> assertThat(((ConfigurationException) e).violations()).hasSize(3));
    }
}
