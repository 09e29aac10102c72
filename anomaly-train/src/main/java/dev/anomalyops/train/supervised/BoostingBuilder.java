package dev.anomalyops.train.supervised;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The settings every gradient-boosting trainer shares (rounds, learning rate, threads, seed, class weighting, early
 * stopping and monotone constraints), with their setters and checks, so that {@link XgboostTrainer.Builder} and
 * {@link LightgbmTrainer.Builder} add only what their library has of its own.
 *
 * @param <B> the concrete builder, returned by every setter
 */
abstract class BoostingBuilder<B extends BoostingBuilder<B>> {
    int rounds = 100;
    double learningRate;
    int threads = 1;
    long seed;
    ClassWeighting classWeighting = ClassWeighting.balanced();
    int earlyStoppingRounds;
    double validationFraction = 0.2;
    ValidationSplit validationSplit = ValidationSplit.LAST;
    Map<String, Integer> monotone = new LinkedHashMap<>();

    BoostingBuilder(double defaultLearningRate) {
        this.learningRate = defaultLearningRate;
    }

    abstract B self();

    /** Copies the shared settings into {@code target} (a fresh builder of the same kind). */
    B copyShared(B target) {
        BoostingBuilder<B> t = target;
        t.rounds = rounds;
        t.learningRate = learningRate;
        t.threads = threads;
        t.seed = seed;
        t.classWeighting = classWeighting;
        t.earlyStoppingRounds = earlyStoppingRounds;
        t.validationFraction = validationFraction;
        t.validationSplit = validationSplit;
        t.monotone = new LinkedHashMap<>(monotone);
        return target;
    }

    /** Adds a sentence for each invalid shared setting. */
    void sharedProblems(List<String> problems) {
        if (rounds < 1) {
            problems.add("rounds was " + rounds + " but it must be at least 1");
        }
        if (!(learningRate > 0 && learningRate <= 1)) {
            problems.add("learningRate was " + learningRate + " but it must be in (0, 1]");
        }
        if (threads < 1) {
            problems.add("threads was " + threads + " but it must be at least 1");
        }
        if (earlyStoppingRounds < 0) {
            problems.add("earlyStoppingRounds was " + earlyStoppingRounds + " but it must be >= 0");
        }
        if (!(validationFraction > 0 && validationFraction < 1)) {
            problems.add("validationFraction was " + validationFraction + " but it must be in (0, 1)");
        }
        problems.addAll(Monotone.problems(monotone));
    }

    /**
     * @param rounds boosting rounds (XGBoost {@code num_boost_round}, LightGBM {@code num_iterations}; default 100)
     * @return this builder
     */
    public B rounds(int rounds) {
        this.rounds = rounds;
        return self();
    }

    /**
     * @param rate shrinkage per round (XGBoost {@code eta}, default 0.3; LightGBM {@code learning_rate}, default 0.1)
     * @return this builder
     */
    public B learningRate(double rate) {
        this.learningRate = rate;
        return self();
    }

    /**
     * @param threads native training threads (XGBoost {@code nthread}, LightGBM {@code num_threads}; default 1)
     * @return this builder
     */
    public B threads(int threads) {
        this.threads = threads;
        return self();
    }

    /**
     * @param seed the library's {@code seed} (default 0); also seeds the stratified validation split
     * @return this builder
     */
    public B seed(long seed) {
        this.seed = seed;
        return self();
    }

    /**
     * @param weighting class-imbalance compensation (default {@link ClassWeighting#balanced()})
     * @return this builder
     */
    public B classWeighting(ClassWeighting weighting) {
        this.classWeighting = Objects.requireNonNull(weighting, "weighting");
        return self();
    }

    /**
     * @param rounds stop when the validation metric has not improved for this many rounds and keep the best
     *     round; 0 turns early stopping off (default)
     * @return this builder
     */
    public B earlyStoppingRounds(int rounds) {
        this.earlyStoppingRounds = rounds;
        return self();
    }

    /**
     * @param fraction share of the training rows held out for early stopping when no validation rows are given
     *     (default 0.2)
     * @return this builder
     */
    public B validationFraction(double fraction) {
        this.validationFraction = fraction;
        return self();
    }

    /**
     * @param split how those rows are chosen (default {@link ValidationSplit#LAST}: rows are in time order)
     * @return this builder
     */
    public B validationSplit(ValidationSplit split) {
        this.validationSplit = Objects.requireNonNull(split, "split");
        return self();
    }

    /**
     * @param constraints per feature name: 1 = the score may only rise with the feature, -1 = only fall,
     *     0 = free (features not named are free)
     * @return this builder
     */
    public B monotone(Map<String, Integer> constraints) {
        this.monotone = new LinkedHashMap<>(constraints);
        return self();
    }
}
