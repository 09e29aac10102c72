package dev.anomalyops.train.supervised;

import dev.anomalyops.core.ConfigurationException;
import dev.anomalyops.train.eval.Confusion;
import dev.anomalyops.train.eval.RankingMetrics;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * K-fold cross-validation of a {@link Trainer}: per fold, train on the fold's training rows, choose the threshold
 * on them with the {@link ThresholdRule} (never on the validation rows), and measure F1, precision, recall,
 * PR-AUC and ROC-AUC on the validation rows. Reports every fold and mean ± standard deviation.
 *
 * <p>Defaults: 5 folds; the scheme is {@link FoldScheme#defaultFor} the data's schema (time-ordered forward
 * chaining when features include lags or rolling windows, stratified otherwise); gap 0; seed 0.
 */
public final class CrossValidation {
    private final int folds;
    private final @Nullable FoldScheme scheme;
    private final int gap;
    private final long seed;
    private final ThresholdRule rule;

    private CrossValidation(Builder b) {
        this.folds = b.folds;
        this.scheme = b.scheme;
        this.gap = b.gap;
        this.seed = b.seed;
        this.rule = b.rule;
    }

    /** @return a builder with the defaults above */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Metrics of one fold on its validation rows.
     *
     * @param fold the fold's index
     * @param trainRows rows trained on
     * @param validationRows rows validated on
     * @param threshold the threshold chosen on the training rows
     * @param f1 F1 at that threshold
     * @param precision precision at that threshold
     * @param recall recall at that threshold
     * @param prAuc average precision of the scores
     * @param rocAuc ROC-AUC of the scores (NaN when the fold has one class)
     */
    public record Fold(int fold, int trainRows, int validationRows, double threshold, double f1, double precision,
            double recall, double prAuc, double rocAuc) {}

    /**
     * A mean and a (sample) standard deviation over folds, NaN folds skipped.
     *
     * @param mean the mean
     * @param std the standard deviation
     * @param folds folds with a finite value
     */
    public record Summary(double mean, double std, int folds) {
        @Override
        public String toString() {
            return String.format(java.util.Locale.ROOT, "%.4f ± %.4f", mean, std);
        }
    }

    /**
     * The result.
     *
     * @param scheme the fold scheme used
     * @param folds per-fold metrics
     */
    public record Report(FoldScheme scheme, List<Fold> folds) {
        /** @return mean ± std of {@code f1}, {@code precision}, {@code recall}, {@code pr_auc}, {@code roc_auc} */
        public Map<String, Summary> summary() {
            Map<String, Summary> out = new LinkedHashMap<>();
            out.put("f1", summarise(folds.stream().mapToDouble(Fold::f1).toArray()));
            out.put("precision", summarise(folds.stream().mapToDouble(Fold::precision).toArray()));
            out.put("recall", summarise(folds.stream().mapToDouble(Fold::recall).toArray()));
            out.put("pr_auc", summarise(folds.stream().mapToDouble(Fold::prAuc).toArray()));
            out.put("roc_auc", summarise(folds.stream().mapToDouble(Fold::rocAuc).toArray()));
            return out;
        }

        /** @return {@code cv_f1_mean}, {@code cv_f1_std}, ... for a bundle's metrics */
        public Map<String, Double> metrics() {
            Map<String, Double> out = new LinkedHashMap<>();
            summary().forEach((k, s) -> {
                out.put("cv_" + k + "_mean", s.mean());
                out.put("cv_" + k + "_std", s.std());
            });
            return out;
        }
    }

    static Summary summarise(double[] values) {
        double sum = 0;
        int n = 0;
        for (double v : values) {
            if (Double.isFinite(v)) {
                sum += v;
                n++;
            }
        }
        if (n == 0) {
            return new Summary(Double.NaN, Double.NaN, 0);
        }
        double mean = sum / n;
        double squares = 0;
        for (double v : values) {
            if (Double.isFinite(v)) {
                squares += (v - mean) * (v - mean);
            }
        }
        return new Summary(mean, n > 1 ? Math.sqrt(squares / (n - 1)) : 0.0, n);
    }

    /**
     * @param trainer the trainer to validate
     * @param data rows in time order
     * @return per-fold metrics and their summary
     */
    public Report run(Trainer trainer, TrainingData data) {
        Objects.requireNonNull(trainer, "trainer");
        FoldScheme used = scheme != null ? scheme : FoldScheme.defaultFor(data.schema());
        List<Fold> results = new ArrayList<>();
        List<int[][]> parts = used.folds(data, folds, gap, seed);
        for (int f = 0; f < parts.size(); f++) {
            TrainingData train = data.subset(parts.get(f)[0]);
            TrainingData validation = data.subset(parts.get(f)[1]);
            if (train.size() == 0 || validation.size() == 0) {
                continue;
            }
            try (TrainedModel model = trainer.fit(train)) {
                double threshold = rule.choose(model.scoreAll(train.rows()), train.labels()).threshold();
                double[] scores = model.scoreAll(validation.rows());
                Confusion c = Confusion.at(scores, threshold, validation.labels());
                boolean bothClasses = validation.positives() > 0 && validation.positives() < validation.size();
                results.add(new Fold(f, train.size(), validation.size(), threshold, c.f1(), c.precision(), c.recall(),
                        validation.positives() > 0 ? RankingMetrics.averagePrecision(scores, validation.labels()) : Double.NaN,
                        bothClasses ? RankingMetrics.rocAuc(scores, validation.labels()) : Double.NaN));
            }
        }
        return new Report(used, List.copyOf(results));
    }

    /** Configures a {@link CrossValidation}. */
    public static final class Builder {
        private int folds = 5;
        private @Nullable FoldScheme scheme;
        private int gap;
        private long seed;
        private ThresholdRule rule = ThresholdRule.bestF1();

        private Builder() {}

        /**
         * @param folds number of folds (default 5)
         * @return this builder
         */
        public Builder folds(int folds) {
            this.folds = folds;
            return this;
        }

        /**
         * @param scheme the fold scheme, or null for {@link FoldScheme#defaultFor} the data (default)
         * @return this builder
         */
        public Builder scheme(@Nullable FoldScheme scheme) {
            this.scheme = scheme;
            return this;
        }

        /**
         * @param rows rows left out on each side of a validation block in {@link FoldScheme#BLOCKED} (default 0)
         * @return this builder
         */
        public Builder gap(int rows) {
            this.gap = rows;
            return this;
        }

        /**
         * @param seed seed of the stratified folds (default 0)
         * @return this builder
         */
        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        /**
         * @param rule how each fold's threshold is chosen on its training rows (default best F1)
         * @return this builder
         */
        public Builder thresholdRule(ThresholdRule rule) {
            this.rule = Objects.requireNonNull(rule, "rule");
            return this;
        }

        /**
         * @return the cross-validation
         * @throws ConfigurationException listing every invalid setting
         */
        public CrossValidation build() {
            List<String> problems = new ArrayList<>();
            if (folds < 2) {
                problems.add("folds was " + folds + " but it must be at least 2");
            }
            if (gap < 0) {
                problems.add("gap was " + gap + " but it must be >= 0");
            }
            if (!problems.isEmpty()) {
                throw new ConfigurationException(problems);
            }
            return new CrossValidation(this);
        }
    }
}
