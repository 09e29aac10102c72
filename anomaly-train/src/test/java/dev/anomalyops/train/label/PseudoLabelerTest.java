package dev.anomalyops.train.label;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class PseudoLabelerTest {
    @Test
    void labelsAtTheThresholdWithRankConfidenceOnEachSide() {
        double[] scores = {0.40, 0.70, 0.55, 0.30, 0.90, 0.60};
        PseudoLabels labels = PseudoLabeler.threshold(0.55).label(scores);
        assertThat(labels.labels()).containsExactly(0, 1, 1, 0, 1, 1);
        assertThat(labels.flagged()).isEqualTo(4);
        // Flagged side ranked from the threshold up: 0.55 (1/4), 0.60 (2/4), 0.70 (3/4), 0.90 (4/4).
        assertThat(labels.confidence(2)).isEqualTo(0.5 + 0.5 * 1 / 4);
        assertThat(labels.confidence(5)).isEqualTo(0.5 + 0.5 * 2 / 4);
        assertThat(labels.confidence(4)).isEqualTo(1.0);
        // Normal side ranked from the threshold down: 0.40 (1/2), 0.30 (2/2).
        assertThat(labels.confidence(0)).isEqualTo(0.75);
        assertThat(labels.confidence(3)).isEqualTo(1.0);
    }

    @Test
    void tiesShareTheirAverageRank() {
        PseudoLabels labels = PseudoLabeler.threshold(0.5).label(new double[] {0.6, 0.6, 0.9, 0.1});
        assertThat(labels.confidence(0)).isEqualTo(labels.confidence(1)).isEqualTo(0.5 + 0.5 * 1.5 / 3);
    }

    @Test
    void contaminationFlagsThatShareOfTheScoredRows() {
        double[] scores = new double[1000];
        for (int i = 0; i < scores.length; i++) {
            scores[i] = (i * 7919 % 1000) / 1000.0;
        }
        PseudoLabels labels = PseudoLabeler.contamination(0.05).label(scores);
        assertThat(labels.flagged()).isEqualTo(50);
        assertThat(labels.threshold()).isCloseTo(0.95, within(1e-12));
        List<Label> forStore = labels.toLabels(i -> "row-" + i, "isolation-forest@abc", Instant.EPOCH);
        assertThat(forStore).hasSize(1000).allSatisfy(l -> {
            assertThat(l.source()).isEqualTo(LabelSource.PSEUDO);
            assertThat(l.confidence()).isGreaterThan(0.5).isLessThanOrEqualTo(1.0);
        });
        assertThat(forStore.stream().filter(Label::isAnomaly).count()).isEqualTo(50);
    }
}
