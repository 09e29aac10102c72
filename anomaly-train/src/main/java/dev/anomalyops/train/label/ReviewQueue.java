package dev.anomalyops.train.label;

import dev.anomalyops.core.ConfigurationException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Chooses which flagged rows people review. The budget is a share of the flagged rows (default 20 %, rounded
 * down, so it is never exceeded). Most of it goes to the flagged rows nearest the threshold, where the
 * detector is least sure and a person's answer moves the boundary most; the rest is a stratified random
 * sample of the other flagged rows (equal-size strata by score, sampled in proportion), so reviewers also see
 * confident flags and can tell whether those are right.
 *
 * <pre>{@code
 * ReviewQueue queue = ReviewQueue.builder().budget(0.2).nearThresholdShare(0.7).seed(1).build();
 * List<ReviewQueue.Pick> picks = queue.select(scores, model.threshold());
 * }</pre>
 *
 * Immutable; the same inputs and seed give the same picks.
 */
public final class ReviewQueue {
    private final double budget;
    private final double nearThresholdShare;
    private final int strata;
    private final long seed;

    private ReviewQueue(Builder builder) {
        this.budget = builder.budget;
        this.nearThresholdShare = builder.nearThresholdShare;
        this.strata = builder.strata;
        this.seed = builder.seed;
    }

    /** @return a builder with a 20 % budget, 70 % of it near the threshold, 4 strata, seed 0 */
    public static Builder builder() {
        return new Builder();
    }

    /** @return the share of flagged rows to review */
    public double budget() {
        return budget;
    }

    /** Why a row was picked. */
    public enum Reason {
        /** Among the flagged rows nearest the threshold. */
        NEAR_THRESHOLD,
        /** Drawn at random from a score stratum of the other flagged rows. */
        STRATIFIED;

        /** @return the lower-case name used in files */
        public String wireName() {
            return name().toLowerCase(Locale.ROOT);
        }

        /**
         * @param name a wire name
         * @return the reason
         */
        public static Reason fromWireName(String name) {
            return valueOf(name.strip().toUpperCase(Locale.ROOT));
        }
    }

    /**
     * One row to review.
     *
     * @param row the row's index in the scores
     * @param reason why it was picked
     */
    public record Pick(int row, Reason reason) {}

    /**
     * @param flagged number of flagged rows
     * @return how many of them this queue picks: {@code floor(budget × flagged)}
     */
    public int budgetFor(int flagged) {
        return (int) Math.floor(budget * flagged + 1e-9);
    }

    /**
     * @param scores detector scores, higher = more anomalous
     * @param threshold rows at or above it are flagged
     * @return the rows to review: the near-threshold ones first (nearest first), then the stratified ones
     */
    public List<Pick> select(double[] scores, double threshold) {
        List<Integer> flaggedList = new ArrayList<>();
        for (int i = 0; i < scores.length; i++) {
            if (scores[i] >= threshold) {
                flaggedList.add(i);
            }
        }
        Integer[] flagged = flaggedList.toArray(Integer[]::new);
        Arrays.sort(flagged, (a, b) -> {
            int byScore = Double.compare(scores[a], scores[b]);
            return byScore != 0 ? byScore : Integer.compare(a, b);
        });
        int total = budgetFor(flagged.length);
        int near = (int) Math.min(total, Math.round(total * nearThresholdShare));
        List<Pick> picks = new ArrayList<>(total);
        for (int i = 0; i < near; i++) {
            picks.add(new Pick(flagged[i], Reason.NEAR_THRESHOLD));
        }
        int random = total - near;
        int rest = flagged.length - near;
        if (random == 0 || rest == 0) {
            return picks;
        }
        int groups = Math.min(strata, rest);
        int[] start = new int[groups + 1];
        for (int g = 0; g <= groups; g++) {
            start[g] = near + (int) ((long) rest * g / groups);
        }
        // Largest-remainder allocation of the random picks, in proportion to stratum size.
        int[] quota = new int[groups];
        double[] remainder = new double[groups];
        int assigned = 0;
        for (int g = 0; g < groups; g++) {
            double exact = (double) random * (start[g + 1] - start[g]) / rest;
            quota[g] = (int) Math.floor(exact);
            remainder[g] = exact - quota[g];
            assigned += quota[g];
        }
        while (assigned < random) {
            int best = -1;
            for (int g = 0; g < groups; g++) {
                if (quota[g] < start[g + 1] - start[g] && (best < 0 || remainder[g] > remainder[best])) {
                    best = g;
                }
            }
            quota[best]++;
            remainder[best] = -1;
            assigned++;
        }
        SplittableRandom rng = new SplittableRandom(seed);
        for (int g = 0; g < groups; g++) {
            int size = start[g + 1] - start[g];
            int[] members = new int[size];
            for (int i = 0; i < size; i++) {
                members[i] = flagged[start[g] + i];
            }
            for (int i = 0; i < quota[g]; i++) {
                int pick = i + rng.nextInt(size - i);
                int swap = members[i];
                members[i] = members[pick];
                members[pick] = swap;
            }
            int[] chosen = Arrays.copyOf(members, quota[g]);
            Arrays.sort(chosen);
            for (int row : chosen) {
                picks.add(new Pick(row, Reason.STRATIFIED));
            }
        }
        return picks;
    }

    /** Configures a {@link ReviewQueue}; {@link #build()} reports every invalid setting at once. */
    public static final class Builder {
        private double budget = 0.2;
        private double nearThresholdShare = 0.7;
        private int strata = 4;
        private long seed;

        private Builder() {}

        /**
         * @param share of the flagged rows to review, in [0, 1] (default 0.2)
         * @return this builder
         */
        public Builder budget(double share) {
            this.budget = share;
            return this;
        }

        /**
         * @param share of the budget spent on the rows nearest the threshold, in [0, 1] (default 0.7)
         * @return this builder
         */
        public Builder nearThresholdShare(double share) {
            this.nearThresholdShare = share;
            return this;
        }

        /**
         * @param strata score strata for the random share (default 4)
         * @return this builder
         */
        public Builder strata(int strata) {
            this.strata = strata;
            return this;
        }

        /**
         * @param seed seed of the random share
         * @return this builder
         */
        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        /**
         * @return the queue
         * @throws ConfigurationException listing every invalid setting
         */
        public ReviewQueue build() {
            List<String> problems = new ArrayList<>();
            if (!(budget >= 0 && budget <= 1)) {
                problems.add("budget was " + budget + " but it must be in [0, 1]");
            }
            if (!(nearThresholdShare >= 0 && nearThresholdShare <= 1)) {
                problems.add("nearThresholdShare was " + nearThresholdShare + " but it must be in [0, 1]");
            }
            if (strata < 1) {
                problems.add("strata was " + strata + " but it must be at least 1");
            }
            if (!problems.isEmpty()) {
                throw new ConfigurationException(problems);
            }
            return new ReviewQueue(this);
        }
    }
}
