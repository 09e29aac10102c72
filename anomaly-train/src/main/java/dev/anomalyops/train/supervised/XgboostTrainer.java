package dev.anomalyops.train.supervised;

import dev.anomalyops.core.BackendUnavailableException;
import dev.anomalyops.core.ConfigurationException;
import dev.anomalyops.core.ModelException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import ml.dmlc.xgboost4j.java.Booster;
import ml.dmlc.xgboost4j.java.DMatrix;
import ml.dmlc.xgboost4j.java.XGBoost;
import ml.dmlc.xgboost4j.java.XGBoostError;
import org.jspecify.annotations.Nullable;

/**
 * Trains XGBoost binary classifiers through xgboost4j: the champion of the supervised stage.
 *
 * <p>Defaults follow the reference pipeline: {@code binary:logistic}, {@code hist}, {@code max_depth=6}, 100
 * rounds, {@code eta=0.3}, one thread ({@code nthread=1}: on a busy 2-core machine more threads spin-wait in
 * OpenMP and training gets 30× slower, see {@code dependencies.md}), seed 0, and {@link ClassWeighting#balanced()
 * balanced} classes. Sample weights (human labels weigh more than pseudo-labels) always apply. Early stopping is
 * off unless {@link Builder#earlyStoppingRounds(int)} is set; then the rounds after the best validation loss are
 * dropped from the model. Every XGBoost parameter can be set or overridden with {@link Builder#param}.
 *
 * <pre>{@code
 * XgboostTrainer trainer = XgboostTrainer.builder()
 *         .maxDepth(4).rounds(200).learningRate(0.1)
 *         .earlyStoppingRounds(20)                    // on the last 20 % of the rows unless validation is given
 *         .monotone(Map.of("cpu_zscore", 1))          // more deviation never lowers the score
 *         .param("min_child_weight", 2)
 *         .build();
 * try (TrainedModel model = trainer.fit(data)) { double[] p = model.scoreAll(holdout.rows()); }
 * }</pre>
 *
 * Same data, parameters and seed give byte-identical models (tested).
 */
public final class XgboostTrainer implements Trainer {
    /** The trainer's name. */
    public static final String NAME = "xgboost";

    private final Builder settings;

    private XgboostTrainer(Builder settings) {
        this.settings = settings.copy();
    }

    /** @return a builder with the defaults above */
    public static Builder builder() {
        return new Builder();
    }

    /** @return a builder holding this trainer's settings */
    public Builder toBuilder() {
        return settings.copy();
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Map<String, String> parameters() {
        Map<String, String> text = new TreeMap<>();
        settings.params(1.0).forEach((k, v) -> text.put(k, String.valueOf(v)));
        text.put("num_boost_round", Integer.toString(settings.rounds));
        text.put("early_stopping_rounds", Integer.toString(settings.earlyStoppingRounds));
        text.put("class_weighting", settings.classWeighting.toString());
        if (settings.earlyStoppingRounds > 0) {
            text.put("validation_fraction", Double.toString(settings.validationFraction));
            text.put("validation_split", settings.validationSplit.name().toLowerCase(Locale.ROOT));
        }
        return text;
    }

    /** @return the number of boosting rounds configured */
    public int rounds() {
        return settings.rounds;
    }

    @Override
    public TrainedModel fit(TrainingData train, @Nullable TrainingData validation) {
        Objects.requireNonNull(train, "train");
        if (train.size() == 0) {
            throw new IllegalArgumentException("Cannot train on 0 rows");
        }
        TrainingData fitRows = train;
        TrainingData watchRows = validation;
        if (settings.earlyStoppingRounds > 0 && validation == null) {
            int[][] parts = settings.validationSplit.split(train, settings.validationFraction, settings.seed);
            fitRows = train.subset(parts[0]);
            watchRows = train.subset(parts[1]);
        }
        if (watchRows != null) {
            watchRows.schema().requireSameLayout(train.schema());
        }
        String[] names = train.schema().names().toArray(String[]::new);
        String monotone = Monotone.vector(settings.monotone, train.schema(), "(", ")");
        double scalePosWeight = settings.classWeighting.factorFor(fitRows);
        Map<String, Object> params = settings.params(scalePosWeight);
        if (monotone != null && !settings.overrides.containsKey("monotone_constraints")) {
            params.put("monotone_constraints", monotone);
        }
        Map<String, String> recorded = new TreeMap<>(parameters());
        params.forEach((k, v) -> recorded.put(k, String.valueOf(v)));
        recorded.put("scale_pos_weight", Double.toString(scalePosWeight));

        Booster booster = null;
        DMatrix trainMatrix = null;
        DMatrix watchMatrix = null;
        try {
            trainMatrix = matrix(fitRows, names);
            watchMatrix = watchRows == null || watchRows.size() == 0 ? null : matrix(watchRows, names);
            booster = XGBoost.train(trainMatrix, params, 0, Map.of(), null, null);
            String metric = String.valueOf(params.getOrDefault("eval_metric", "logloss"));
            boolean maximize = XGBoost.isMaximizeEvaluation(metric, null, params);
            DMatrix[] watched = watchMatrix == null ? new DMatrix[] {trainMatrix}
                    : new DMatrix[] {trainMatrix, watchMatrix};
            String[] watchNames = watchMatrix == null ? new String[] {"train"} : new String[] {"train", "validation"};
            List<Double> trainCurve = new ArrayList<>();
            List<Double> validationCurve = new ArrayList<>();
            int best = 0;
            double bestValue = Double.NaN;
            byte[] bestSnapshot = null;
            boolean stopped = false;
            for (int round = 0; round < settings.rounds; round++) {
                booster.update(trainMatrix, round);
                double[] values = EvalLine.parse(booster.evalSet(watched, watchNames, round), watchNames);
                trainCurve.add(values[0]);
                if (watchMatrix != null) {
                    double v = values[1];
                    validationCurve.add(v);
                    if (round == 0 || (maximize ? v > bestValue : v < bestValue)) {
                        best = round;
                        bestValue = v;
                        if (settings.earlyStoppingRounds > 0) {
                            bestSnapshot = booster.toByteArray("ubj");
                        }
                    } else if (settings.earlyStoppingRounds > 0 && round - best >= settings.earlyStoppingRounds) {
                        stopped = true;
                        break;
                    }
                } else {
                    best = round;
                }
            }
            int kept = best + 1;
            if (settings.earlyStoppingRounds > 0 && bestSnapshot != null && kept < trainCurve.size()) {
                booster.dispose();
                booster = XGBoost.loadModel(bestSnapshot);
                booster.setParam("nthread", params.get("nthread"));
            } else {
                kept = trainCurve.size();
                best = kept - 1;
            }
            booster.setFeatureNames(names);
            TrainingCurve curve = new TrainingCurve(metric, toArray(trainCurve), toArray(validationCurve), Math.max(best, 0),
                    stopped);
            recorded.put("rounds_kept", Integer.toString(kept));
            XgboostModel model = new XgboostModel(booster, train.schema(), recorded, curve, kept);
            booster = null;
            return model;
        } catch (XGBoostError | java.io.IOException e) {
            throw new ModelException("XGBoost training failed: " + e.getMessage(), e);
        } catch (UnsatisfiedLinkError | NoClassDefFoundError e) {
            throw new BackendUnavailableException("XGBoost's native library cannot load (xgboost4j needs libgomp1): "
                    + e.getMessage(), e);
        } finally {
            if (booster != null) {
                booster.dispose();
            }
            if (trainMatrix != null) {
                trainMatrix.dispose();
            }
            if (watchMatrix != null) {
                watchMatrix.dispose();
            }
        }
    }

    private static DMatrix matrix(TrainingData data, String[] names) throws XGBoostError {
        DMatrix matrix = new DMatrix(data.rows().values(), data.size(), data.rows().columns(), Float.NaN);
        float[] labels = new float[data.size()];
        for (int i = 0; i < labels.length; i++) {
            labels[i] = data.labels()[i];
        }
        matrix.setLabel(labels);
        matrix.setWeight(data.weights());
        matrix.setFeatureNames(names);
        return matrix;
    }

    private static double[] toArray(List<Double> values) {
        double[] out = new double[values.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = values.get(i);
        }
        return out;
    }

    @Override
    public String toString() {
        return "XgboostTrainer" + parameters();
    }

    /**
     * Configures an {@link XgboostTrainer}. Named setters cover the usual parameters; {@link #param} sets any
     * other XGBoost parameter or overrides a named one. {@link #build()} reports every invalid setting at once.
     */
    public static final class Builder extends BoostingBuilder<Builder> {
        private int maxDepth = 6;
        private String objective = "binary:logistic";
        private String treeMethod = "hist";
        private String evalMetric = "logloss";
        private Map<String, Object> overrides = new LinkedHashMap<>();

        private Builder() {
            super(0.3);
        }

        @Override
        Builder self() {
            return this;
        }

        private Builder copy() {
            Builder b = copyShared(new Builder());
            b.maxDepth = maxDepth;
            b.objective = objective;
            b.treeMethod = treeMethod;
            b.evalMetric = evalMetric;
            b.overrides = new LinkedHashMap<>(overrides);
            return b;
        }

        private Map<String, Object> params(double scalePosWeight) {
            Map<String, Object> p = new LinkedHashMap<>();
            p.put("objective", objective);
            p.put("tree_method", treeMethod);
            p.put("max_depth", maxDepth);
            p.put("eta", learningRate);
            p.put("eval_metric", evalMetric);
            p.put("nthread", threads);
            p.put("seed", seed);
            p.put("scale_pos_weight", scalePosWeight);
            p.put("verbosity", 0);
            p.putAll(overrides);
            return p;
        }

        /**
         * @param depth {@code max_depth} (default 6)
         * @return this builder
         */
        public Builder maxDepth(int depth) {
            this.maxDepth = depth;
            return this;
        }

        /**
         * @param objective {@code objective} (default {@code binary:logistic})
         * @return this builder
         */
        public Builder objective(String objective) {
            this.objective = Objects.requireNonNull(objective, "objective");
            return this;
        }

        /**
         * @param method {@code tree_method} (default {@code hist})
         * @return this builder
         */
        public Builder treeMethod(String method) {
            this.treeMethod = Objects.requireNonNull(method, "method");
            return this;
        }

        /**
         * @param metric {@code eval_metric} watched per round and by early stopping (default {@code logloss})
         * @return this builder
         */
        public Builder evalMetric(String metric) {
            this.evalMetric = Objects.requireNonNull(metric, "metric");
            return this;
        }

        /**
         * @param name any XGBoost parameter, e.g. {@code min_child_weight}, {@code grow_policy}, {@code booster}
         * @param value its value; overrides the named setters
         * @return this builder
         */
        public Builder param(String name, Object value) {
            overrides.put(Objects.requireNonNull(name, "name"), Objects.requireNonNull(value, "value"));
            return this;
        }

        /**
         * @return the trainer
         * @throws ConfigurationException listing every invalid setting
         */
        public XgboostTrainer build() {
            List<String> problems = new ArrayList<>();
            if (maxDepth < 0) {
                problems.add("maxDepth was " + maxDepth + " but it must be >= 0 (0 = no limit with lossguide)");
            }
            sharedProblems(problems);
            if (!problems.isEmpty()) {
                throw new ConfigurationException(problems);
            }
            return new XgboostTrainer(this);
        }
    }
}
