package dev.anomalyops.train.supervised;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.anomalyops.core.FeatureSchema;
import dev.anomalyops.core.scoring.FeatureBatch;
import dev.anomalyops.train.eval.Confusion;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Threshold rules, fold schemes and the significance tests on small hand-checked cases. */
class SelectionTest {
    @Test
    void bestF1AndRequiredPrecision() {
        double[] scores = {0.9, 0.8, 0.7, 0.6, 0.5, 0.4, 0.3, 0.2};
        int[] labels = {1, 1, 0, 1, 0, 0, 1, 0};
        ThresholdRule.Choice best = ThresholdRule.bestF1().choose(scores, labels);
        // Exhaustive check: no threshold among the scores gives a higher F1.
        for (double t : scores) {
            assertThat(Confusion.at(scores, t, labels).f1()).isLessThanOrEqualTo(best.confusion().f1());
        }
        ThresholdRule.Choice precise = ThresholdRule.minPrecision(1.0).choose(scores, labels);
        assertThat(precise.threshold()).isEqualTo(0.8);
        assertThat(precise.confusion().precision()).isEqualTo(1.0);
        ThresholdRule.Choice unreachable = ThresholdRule.parse("precision>=1").choose(scores, new int[] {0, 0, 0, 0, 0, 0, 0, 1});
        assertThat(unreachable.rule()).contains("unreachable");
    }

    @Test
    void temporalFeaturesSwitchToForwardChaining() {
        assertThat(FoldScheme.defaultFor(FeatureSchema.of("cpu", "mem"))).isEqualTo(FoldScheme.STRATIFIED);
        assertThat(FoldScheme.defaultFor(FeatureSchema.of("cpu", "cpu_lag_1"))).isEqualTo(FoldScheme.FORWARD_CHAINING);
        assertThat(FoldScheme.defaultFor(FeatureSchema.of("cpu", "cpu_mean_5m"))).isEqualTo(FoldScheme.FORWARD_CHAINING);
    }

    @Test
    void forwardChainingNeverTrainsOnTheFuture() {
        TrainingData data = TrainingData.of(FeatureBatch.allocate(FeatureSchema.unnamed(1), 100), new int[100]);
        List<int[][]> folds = FoldScheme.FORWARD_CHAINING.folds(data, 5, 0, 0);
        assertThat(folds).hasSize(5);
        for (int[][] fold : folds) {
            int lastTrain = fold[0][fold[0].length - 1];
            assertThat(fold[1][0]).isGreaterThan(lastTrain);
        }
        for (int[][] fold : FoldScheme.BLOCKED.folds(data, 4, 3, 0)) {
            int start = fold[1][0];
            int end = fold[1][fold[1].length - 1];
            for (int row : fold[0]) {
                assertThat(row < start - 3 || row > end + 3).isTrue();
            }
        }
        Set<Integer> validated = new HashSet<>();
        for (int[][] fold : FoldScheme.STRATIFIED.folds(data, 5, 0, 1)) {
            for (int row : fold[1]) {
                assertThat(validated.add(row)).isTrue();
            }
        }
        assertThat(validated).hasSize(100);
    }

    @Test
    void mcnemarMatchesTheBinomialAndChiSquare() {
        // Exact: b = 1, c = 9, n = 10: 2 * P(X <= 1) = 2 * 11 / 1024.
        assertThat(Comparison.mcnemar(1, 9)).isCloseTo(22.0 / 1024, within(1e-12));
        // Chi-square with continuity correction: (|10 - 30| - 1)^2 / 40 = 9.025, p = 0.002663 (scipy.stats.chi2.sf).
        assertThat(Comparison.mcnemar(10, 30)).isCloseTo(0.002663, within(2e-6));
        assertThat(Comparison.mcnemar(0, 0)).isEqualTo(1.0);
    }
}
