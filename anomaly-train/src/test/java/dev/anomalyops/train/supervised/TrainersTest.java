package dev.anomalyops.train.supervised;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.anomalyops.core.ConfigurationException;
import dev.anomalyops.train.eval.RankingMetrics;
import dev.anomalyops.train.testing.Synthetic;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Both real trainers (xgboost4j and LightGBM's C API) on seeded synthetic data. */
class TrainersTest {
    static TrainingData data(int rows, long seed) {
        return TrainingData.of(Synthetic.cloud(rows, 4, 25, seed), Synthetic.labels(rows, 25));
    }

    static List<Trainer> trainers() {
        return List.of(XgboostTrainer.builder().rounds(30).build(), LightgbmTrainer.builder().rounds(30).build());
    }

    @Test
    void bothTrainersSeparateOutliersAndAreDeterministic() {
        TrainingData train = data(2000, 1);
        TrainingData holdout = data(1000, 2);
        for (Trainer trainer : trainers()) {
            try (TrainedModel first = trainer.fit(train); TrainedModel second = trainer.fit(train)) {
                double auc = RankingMetrics.rocAuc(first.scoreAll(holdout.rows()), holdout.labels());
                assertThat(auc).as(trainer.name()).isGreaterThan(0.99);
                assertThat(first.modelBytes()).as(trainer.name()).isEqualTo(second.modelBytes());
                assertThat(first.importance()).as(trainer.name()).isNotEmpty();
                assertThat(first.curve().roundsTrained()).isEqualTo(30);
            }
        }
    }

    @Test
    void earlyStoppingKeepsTheBestRound() {
        // 10 % of the labels flipped: the validation loss bottoms out and rises again as the trees fit the noise
        int[] noisy = Synthetic.labels(2000, 25);
        java.util.SplittableRandom random = new java.util.SplittableRandom(9);
        for (int i = 0; i < noisy.length; i++) {
            if (random.nextDouble() < 0.1) {
                noisy[i] = 1 - noisy[i];
            }
        }
        TrainingData train = TrainingData.of(Synthetic.cloud(2000, 4, 25, 3), noisy);
        XgboostTrainer trainer = XgboostTrainer.builder().rounds(300).learningRate(0.5).earlyStoppingRounds(5).build();
        try (TrainedModel model = trainer.fit(train)) {
            TrainingCurve curve = model.curve();
            assertThat(curve.hasValidation()).isTrue();
            assertThat(curve.stoppedEarly()).isTrue();
            assertThat(model.rounds()).isEqualTo(curve.bestRound() + 1).isLessThan(300);
            double[] validation = curve.validation();
            for (double v : validation) {
                assertThat(curve.validationAtBest()).isLessThanOrEqualTo(v);
            }
        }
        LightgbmTrainer lightgbm = LightgbmTrainer.builder().rounds(300).learningRate(0.5).earlyStoppingRounds(5).build();
        try (TrainedModel model = lightgbm.fit(train)) {
            assertThat(model.curve().stoppedEarly()).isTrue();
            assertThat(model.rounds()).isEqualTo(model.curve().bestRound() + 1);
        }
    }

    @Test
    void balancedWeightingEqualisesTheClasses() {
        TrainingData train = data(1000, 4);
        double factor = ClassWeighting.balanced().factorFor(train);
        assertThat(factor * train.positiveWeight()).isCloseTo(train.negativeWeight(), org.assertj.core.data.Offset.offset(1e-6));
        assertThat(ClassWeighting.parse("none").factorFor(train)).isEqualTo(1.0);
        assertThat(ClassWeighting.parse("2.5").factorFor(train)).isEqualTo(2.5);
        try (TrainedModel model = XgboostTrainer.builder().rounds(5).build().fit(train)) {
            assertThat(Double.parseDouble(model.parameters().get("scale_pos_weight"))).isEqualTo(factor);
        }
    }

    @Test
    void invalidSettingsAreAllReported() {
        assertThatThrownBy(() -> XgboostTrainer.builder().rounds(0).learningRate(2).threads(0).build())
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("rounds").hasMessageContaining("learningRate").hasMessageContaining("threads");
        assertThatThrownBy(() -> XgboostTrainer.builder().monotone(Map.of("nope", 1)).build().fit(data(100, 5)))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("\"nope\"");
    }
}
