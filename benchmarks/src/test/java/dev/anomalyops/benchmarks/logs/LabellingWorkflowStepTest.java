package dev.anomalyops.benchmarks.logs;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The semi-supervised step on anomaly-train's real Isolation Forest, review queue, pseudo-labeller, label store
 * and training set, on synthetic data with obvious outliers: it stays within the review budget, asks only
 * once per row, and the classifier trained on human and pseudo labels separates the outliers.
 */
class LabellingWorkflowStepTest {
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2024-05-01T00:00:00Z"), ZoneOffset.UTC);

    @Test
    void staysWithinTheBudgetAndSeparatesObviousOutliers() throws Exception {
        SplittableRandom random = new SplittableRandom(7);
        int normal = 1500;
        int outliers = 40;
        float[][] train = new float[normal + outliers][];
        int[] labels = new int[train.length];
        for (int i = 0; i < train.length; i++) {
            boolean outlier = i >= normal;
            train[i] = row(random, outlier);
            labels[i] = outlier ? 1 : 0;
        }
        float[][] test = new float[200][];
        for (int i = 0; i < test.length; i++) {
            test[i] = row(random, i % 10 == 0);
        }

        int[] budget = {-1};
        int[] flaggedSeen = {-1};
        List<Integer> asked = new ArrayList<>();
        SemiSupervisedStep.Outcome outcome = new LabellingWorkflowStep(CLOCK).run(train, flagged -> {
            flaggedSeen[0] = flagged;
            budget[0] = (int) Math.floor(0.2 * flagged + 1e-9);
            return new SemiSupervisedStep.Reviewer() {
                @Override
                public int label(int trainIndex) {
                    assertThat(asked.size()).isLessThan(budget[0]);
                    asked.add(trainIndex);
                    return labels[trainIndex];
                }

                @Override
                public int remaining() {
                    return budget[0] - asked.size();
                }
            };
        }, 0.2, test, 3);

        assertThat(outcome.flagged()).isEqualTo(flaggedSeen[0]).isPositive();
        assertThat(outcome.reviewed()).isEqualTo(asked.size()).isEqualTo(budget[0]);
        assertThat(asked).doesNotHaveDuplicates();
        assertThat(outcome.reviewedAnomalies()).isEqualTo((int) asked.stream().filter(i -> labels[i] == 1).count());
        for (int i = 0; i < test.length; i++) {
            if (i % 10 == 0) {
                assertThat(outcome.predictions()[i]).as("outlier %d", i).isEqualTo(1);
                assertThat(outcome.detectorPredictions()[i]).as("outlier %d (detector)", i).isEqualTo(1);
            } else if (Math.abs(test[i][0]) < 1 && Math.abs(test[i][1]) < 1 && Math.abs(test[i][2]) < 1) {
                assertThat(outcome.predictions()[i]).as("central row %d", i).isZero();
            }
        }
    }

    private static float[] row(SplittableRandom random, boolean outlier) {
        float[] row = new float[3];
        for (int j = 0; j < row.length; j++) {
            row[j] = (float) (outlier ? 9 + random.nextGaussian() : random.nextGaussian());
        }
        return row;
    }
}
