package dev.anomalyops.train.label;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.stream.Collectors;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

class ReviewQueueTest {
    private static double[] scores(int n, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        double[] scores = new double[n];
        for (int i = 0; i < n; i++) {
            scores[i] = random.nextDouble();
        }
        return scores;
    }

    @Test
    void spendsTwentyPercentOfTheFlaggedRowsMostlyNearTheThreshold() {
        double[] scores = scores(10_000, 3);
        double threshold = 0.9;
        int flagged = (int) Arrays.stream(scores).filter(s -> s >= threshold).count();
        List<ReviewQueue.Pick> picks = ReviewQueue.builder().seed(1).build().select(scores, threshold);
        assertThat(picks).hasSize(flagged / 5);
        List<ReviewQueue.Pick> near = picks.stream().filter(p -> p.reason() == ReviewQueue.Reason.NEAR_THRESHOLD)
                .collect(Collectors.toList());
        assertThat(near).hasSize((int) Math.round(picks.size() * 0.7));
        double[] flaggedScores = Arrays.stream(scores).filter(s -> s >= threshold).sorted().toArray();
        // The near-threshold picks are exactly the lowest flagged scores.
        assertThat(near.stream().mapToDouble(p -> scores[p.row()]).max().orElseThrow())
                .isEqualTo(flaggedScores[near.size() - 1]);
        // The random share reaches the confident end too: one pick per score quartile at least.
        double[] random = picks.stream().filter(p -> p.reason() == ReviewQueue.Reason.STRATIFIED)
                .mapToDouble(p -> scores[p.row()]).toArray();
        double top = flaggedScores[flaggedScores.length * 3 / 4];
        assertThat(Arrays.stream(random).filter(s -> s >= top).count()).isGreaterThanOrEqualTo(random.length / 5);
        assertThat(ReviewQueue.builder().seed(1).build().select(scores, threshold)).isEqualTo(picks);
        assertThat(ReviewQueue.builder().seed(2).build().select(scores, threshold)).isNotEqualTo(picks);
    }

    @Test
    void aZeroBudgetPicksNothing() {
        assertThat(ReviewQueue.builder().budget(0).build().select(scores(100, 1), 0.5)).isEmpty();
        assertThat(ReviewQueue.builder().build().select(new double[] {0.9, 0.95, 0.1}, 0.5))
                .as("floor(0.2 × 2) = 0: the budget is never exceeded").isEmpty();
    }

    @Property(tries = 200)
    void picksOnlyFlaggedRowsOnceAndNeverMoreThanTheBudget(@ForAll @IntRange(min = 0, max = 500) int rows,
            @ForAll @DoubleRange(min = 0, max = 1) double budget,
            @ForAll @DoubleRange(min = 0, max = 1) double nearShare,
            @ForAll @IntRange(min = 1, max = 8) int strata,
            @ForAll long seed) {
        double[] scores = scores(rows, seed);
        double threshold = 0.7;
        ReviewQueue queue = ReviewQueue.builder().budget(budget).nearThresholdShare(nearShare).strata(strata)
                .seed(seed).build();
        List<ReviewQueue.Pick> picks = queue.select(scores, threshold);
        int flagged = (int) Arrays.stream(scores).filter(s -> s >= threshold).count();
        assertThat(picks).hasSize(queue.budgetFor(flagged));
        assertThat(picks.size()).isLessThanOrEqualTo((int) Math.floor(budget * flagged + 1e-9));
        Set<Integer> rowsPicked = new HashSet<>();
        for (ReviewQueue.Pick pick : picks) {
            assertThat(scores[pick.row()]).isGreaterThanOrEqualTo(threshold);
            assertThat(rowsPicked.add(pick.row())).isTrue();
        }
    }
}
