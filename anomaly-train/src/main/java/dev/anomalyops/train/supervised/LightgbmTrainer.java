package dev.anomalyops.train.supervised;

import com.microsoft.ml.lightgbm.SWIGTYPE_p_int;
import com.microsoft.ml.lightgbm.SWIGTYPE_p_p_void;
import com.microsoft.ml.lightgbm.SWIGTYPE_p_void;
import com.microsoft.ml.lightgbm.lightgbmlib;
import dev.anomalyops.core.ConfigurationException;
import dev.anomalyops.core.model.ModelFormat;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.StringJoiner;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * Trains LightGBM binary classifiers on the JVM through LightGBM's C API ({@code com.microsoft.ml.lightgbm:lightgbmlib},
 * natives loaded from the jar on first use): the challenger the SDK trains itself, since CatBoost cannot be trained
 * on the JVM here. Leaf-wise growth ({@code num_leaves}) makes it a genuinely different learner from the
 * depth-wise XGBoost champion.
 *
 * <p>Defaults: {@code objective=binary}, 100 rounds, {@code num_leaves=31}, {@code learning_rate=0.1},
 * {@code min_data_in_leaf=20}, one thread, seed 0, {@code deterministic=true} and {@code force_row_wise=true}
 * (same data and seed give the same model text), {@link ClassWeighting#balanced() balanced} classes, sample
 * weights applied. Early stopping and monotone constraints work as in {@link XgboostTrainer}; {@link Builder#param}
 * sets any other LightGBM parameter. Models are saved in LightGBM's text format ({@link #FORMAT}), which
 * {@link LightgbmScorerProvider} scores through the {@code Scorer} SPI.
 */
public final class LightgbmTrainer implements Trainer {
    /** The trainer's name. */
    public static final String NAME = "lightgbm";
    /** LightGBM's text model format. */
    public static final ModelFormat FORMAT = ModelFormat.of("lightgbm-text");

    private final Builder settings;

    private LightgbmTrainer(Builder settings) {
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

    /** @return whether LightGBM's native library loads on this machine */
    public static boolean isAvailable() {
        return LightgbmNative.isAvailable();
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Map<String, String> parameters() {
        Map<String, String> text = new TreeMap<>(settings.params(1.0));
        text.put("num_iterations", Integer.toString(settings.rounds));
        text.put("early_stopping_rounds", Integer.toString(settings.earlyStoppingRounds));
        text.put("class_weighting", settings.classWeighting.toString());
        if (settings.earlyStoppingRounds > 0) {
            text.put("validation_fraction", Double.toString(settings.validationFraction));
            text.put("validation_split", settings.validationSplit.name().toLowerCase(Locale.ROOT));
        }
        return text;
    }

    @Override
    public TrainedModel fit(TrainingData train, @Nullable TrainingData validation) {
        Objects.requireNonNull(train, "train");
        if (train.size() == 0) {
            throw new IllegalArgumentException("Cannot train on 0 rows");
        }
        LightgbmNative.ensureLoaded();
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
        double scalePosWeight = settings.classWeighting.factorFor(fitRows);
        Map<String, String> params = settings.params(scalePosWeight);
        String monotone = Monotone.vector(settings.monotone, train.schema(), "", "");
        if (monotone != null && !settings.overrides.containsKey("monotone_constraints")) {
            params.put("monotone_constraints", monotone);
        }
        String parameterText = text(params);
        Map<String, String> recorded = new TreeMap<>(parameters());
        recorded.putAll(params);

        SWIGTYPE_p_void trainSet = null;
        SWIGTYPE_p_void watchSet = null;
        SWIGTYPE_p_void booster = null;
        SWIGTYPE_p_p_void out = lightgbmlib.new_voidpp();
        SWIGTYPE_p_int finished = lightgbmlib.new_intp();
        try {
            trainSet = LightgbmNative.dataset(fitRows, parameterText, null);
            if (watchRows != null && watchRows.size() > 0) {
                watchSet = LightgbmNative.dataset(watchRows, parameterText, trainSet);
            }
            LightgbmNative.check(lightgbmlib.LGBM_BoosterCreate(trainSet, parameterText, out), "booster creation");
            booster = lightgbmlib.voidpp_value(out);
            if (watchSet != null) {
                LightgbmNative.check(lightgbmlib.LGBM_BoosterAddValidData(booster, watchSet), "adding validation rows");
            }
            List<Double> trainCurve = new ArrayList<>();
            List<Double> validationCurve = new ArrayList<>();
            int best = 0;
            double bestValue = Double.NaN;
            boolean stopped = false;
            for (int round = 0; round < settings.rounds; round++) {
                LightgbmNative.check(lightgbmlib.LGBM_BoosterUpdateOneIter(booster, finished), "boosting");
                trainCurve.add(LightgbmNative.eval(booster, 0));
                if (watchSet != null) {
                    double v = LightgbmNative.eval(booster, 1);
                    validationCurve.add(v);
                    if (round == 0 || v < bestValue) {
                        best = round;
                        bestValue = v;
                    } else if (settings.earlyStoppingRounds > 0 && round - best >= settings.earlyStoppingRounds) {
                        stopped = true;
                        break;
                    }
                } else {
                    best = round;
                }
                if (lightgbmlib.intp_value(finished) == 1) {
                    break;
                }
            }
            int kept = settings.earlyStoppingRounds > 0 ? best + 1 : trainCurve.size();
            if (settings.earlyStoppingRounds == 0) {
                best = kept - 1;
            }
            String modelText = LightgbmNative.save(booster, kept);
            TrainingCurve curve = new TrainingCurve("binary_logloss", toArray(trainCurve), toArray(validationCurve),
                    Math.max(best, 0), stopped);
            recorded.put("rounds_kept", Integer.toString(kept));
            return new LightgbmModel(modelText, train.schema(), recorded, curve, kept);
        } finally {
            if (booster != null) {
                lightgbmlib.LGBM_BoosterFree(booster);
            }
            if (watchSet != null) {
                lightgbmlib.LGBM_DatasetFree(watchSet);
            }
            if (trainSet != null) {
                lightgbmlib.LGBM_DatasetFree(trainSet);
            }
            lightgbmlib.delete_voidpp(out);
            lightgbmlib.delete_intp(finished);
        }
    }

    private static String text(Map<String, String> params) {
        StringJoiner joiner = new StringJoiner(" ");
        params.forEach((k, v) -> joiner.add(k + "=" + v));
        return joiner.toString();
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
        return "LightgbmTrainer" + parameters();
    }

    /** Configures a {@link LightgbmTrainer}; {@link #build()} reports every invalid setting at once. */
    public static final class Builder extends BoostingBuilder<Builder> {
        private int numLeaves = 31;
        private int maxDepth = -1;
        private int minDataInLeaf = 20;
        private Map<String, String> overrides = new LinkedHashMap<>();

        private Builder() {
            super(0.1);
        }

        @Override
        Builder self() {
            return this;
        }

        private Builder copy() {
            Builder b = copyShared(new Builder());
            b.numLeaves = numLeaves;
            b.maxDepth = maxDepth;
            b.minDataInLeaf = minDataInLeaf;
            b.overrides = new LinkedHashMap<>(overrides);
            return b;
        }

        private Map<String, String> params(double scalePosWeight) {
            Map<String, String> p = new LinkedHashMap<>();
            p.put("objective", "binary");
            p.put("metric", "binary_logloss");
            p.put("num_leaves", Integer.toString(numLeaves));
            p.put("max_depth", Integer.toString(maxDepth));
            p.put("learning_rate", Double.toString(learningRate));
            p.put("min_data_in_leaf", Integer.toString(minDataInLeaf));
            p.put("num_threads", Integer.toString(threads));
            p.put("seed", Long.toString(seed));
            p.put("deterministic", "true");
            p.put("force_row_wise", "true");
            p.put("scale_pos_weight", Double.toString(scalePosWeight));
            p.put("verbose", "-1");
            p.putAll(overrides);
            return p;
        }

        /**
         * @param leaves {@code num_leaves} (default 31)
         * @return this builder
         */
        public Builder numLeaves(int leaves) {
            this.numLeaves = leaves;
            return this;
        }

        /**
         * @param depth {@code max_depth}, -1 for no limit (default)
         * @return this builder
         */
        public Builder maxDepth(int depth) {
            this.maxDepth = depth;
            return this;
        }

        /**
         * @param rows {@code min_data_in_leaf} (default 20)
         * @return this builder
         */
        public Builder minDataInLeaf(int rows) {
            this.minDataInLeaf = rows;
            return this;
        }

        /**
         * @param name any LightGBM parameter, e.g. {@code feature_fraction}, {@code lambda_l2}
         * @param value its value; overrides the named setters
         * @return this builder
         */
        public Builder param(String name, Object value) {
            String text = String.valueOf(Objects.requireNonNull(value, "value"));
            if (name.isBlank() || name.contains(" ") || name.contains("=") || text.contains(" ")) {
                throw new IllegalArgumentException("LightGBM parameter \"" + name + "\" = \"" + text
                        + "\" must not contain spaces or '='");
            }
            overrides.put(name, text);
            return this;
        }

        /**
         * @return the trainer
         * @throws ConfigurationException listing every invalid setting
         */
        public LightgbmTrainer build() {
            List<String> problems = new ArrayList<>();
            if (numLeaves < 2) {
                problems.add("numLeaves was " + numLeaves + " but it must be at least 2");
            }
            if (minDataInLeaf < 1) {
                problems.add("minDataInLeaf was " + minDataInLeaf + " but it must be at least 1");
            }
            sharedProblems(problems);
            if (!problems.isEmpty()) {
                throw new ConfigurationException(problems);
            }
            return new LightgbmTrainer(this);
        }
    }
}
