package dev.anomalyops.spark;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import dev.anomalyops.core.ConfigurationException;
import dev.anomalyops.core.FeatureSchema;
import dev.anomalyops.core.InputException;
import dev.anomalyops.core.ModelException;
import dev.anomalyops.core.model.ModelBundle;
import dev.anomalyops.core.model.ModelFormat;
import dev.anomalyops.core.registry.ModelRegistry;
import dev.anomalyops.core.registry.ModelVersion;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import ml.dmlc.xgboost4j.scala.spark.XGBoostClassificationModel;
import ml.dmlc.xgboost4j.scala.spark.XGBoostClassifier;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Distributed XGBoost training with xgboost4j-spark: the booster is trained over {@code workers} Spark tasks
 * (Rabit all-reduce; local mode in tests) and written as the same model bundle the single-machine trainer writes
 * ({@link ModelFormat#XGBOOST_JSON}, feature schema, threshold, parameters), then optionally registered in a
 * {@link ModelRegistry} (file, S3, MLflow). Any scorer of the SDK loads it.
 *
 * <p>Parameters and defaults follow the single-machine {@code XgboostTrainer} of anomaly-train: 100 rounds,
 * {@code max_depth=6}, {@code eta=0.3}, {@code binary:logistic}, {@code hist}, {@code logloss}, one thread per
 * worker, seed 0, and class imbalance handled with {@code scale_pos_weight = negative weight / positive weight}
 * ("balanced"); sample weights come from an optional column (human versus pseudo labels); every XGBoost parameter
 * can be overridden by name with {@link Builder#param}.
 *
 * <pre>{@code
 * SparkXgboostTrainer trainer = SparkXgboostTrainer.builder().workers(16).weightColumn("weight").build();
 * ModelVersion v = trainer.trainAndRegister(features, schema, registry, "ec2-anomaly", Path.of("/tmp/bundle"));
 * }</pre>
 *
 * <p>Immutable and thread-safe.
 */
public final class SparkXgboostTrainer {
    private static final Logger LOG = LoggerFactory.getLogger(SparkXgboostTrainer.class);

    private final Builder settings;

    private SparkXgboostTrainer(Builder settings) {
        this.settings = settings.copy();
    }

    /** @return a builder with the single-machine trainer's defaults */
    public static Builder builder() {
        return new Builder();
    }

    /** @return a builder holding these settings */
    public Builder toBuilder() {
        return settings.copy();
    }

    /** @return the number of Spark tasks that train together */
    public int workers() {
        return settings.workers;
    }

    /**
     * Trains a booster on the rows of {@code data}.
     *
     * @param data one row per sample: a numeric column per feature of {@code schema} (NaN or null: missing), the
     *        label column (0 or 1) and, when set, the weight column
     * @param schema the features, in model order
     * @return the trained booster and the parameters it was trained with
     * @throws InputException when a column is missing or there is no row of one class
     */
    public Trained fit(Dataset<Row> data, FeatureSchema schema) {
        Set<String> present = new HashSet<>(Arrays.asList(data.columns()));
        List<String> missing = new ArrayList<>();
        for (String name : schema.names()) {
            if (!present.contains(name)) {
                missing.add(name);
            }
        }
        if (!present.contains(settings.labelColumn)) {
            missing.add(settings.labelColumn);
        }
        if (settings.weightColumn != null && !present.contains(settings.weightColumn)) {
            missing.add(settings.weightColumn);
        }
        if (!missing.isEmpty()) {
            throw new InputException("The training data lacks the column(s) \"" + String.join("\", \"", missing) + "\"");
        }
        String[] features = schema.names().toArray(String[]::new);
        Dataset<Row> input = data;
        // Columnar input: every feature as a float column (xgboost4j-spark 3 assembles them itself).
        for (String f : features) {
            input = input.withColumn(f, col(q(f)).cast("float"));
        }
        Row totals = input.agg(
                sum(when(col(q(settings.labelColumn)).equalTo(1), weight())).as("pos"),
                sum(when(col(q(settings.labelColumn)).equalTo(0), weight())).as("neg"),
                sum(lit(1L)).as("rows")).first();
        double positive = totals.isNullAt(0) ? 0 : totals.getDouble(0);
        double negative = totals.isNullAt(1) ? 0 : totals.getDouble(1);
        long rows = totals.isNullAt(2) ? 0 : totals.getLong(2);
        if (positive <= 0 || negative <= 0) {
            throw new InputException("The training data needs rows of both classes but has positive weight " + positive
                    + " and negative weight " + negative + " in " + rows + " rows");
        }
        double scalePosWeight = settings.balanced ? negative / positive : 1.0;
        Map<String, Object> params = settings.params(scalePosWeight);

        XGBoostClassifier classifier = new XGBoostClassifier(scalaMap(params));
        classifier.setNumRound(settings.rounds);
        classifier.setNumWorkers(settings.workers);
        classifier.setFeaturesCol(features);
        classifier.setLabelCol(settings.labelColumn);
        if (settings.weightColumn != null) {
            classifier.setWeightCol(settings.weightColumn);
            input = input.withColumn(settings.weightColumn, col(q(settings.weightColumn)).cast("float"));
        }
        input = input.withColumn(settings.labelColumn, col(q(settings.labelColumn)).cast("float"));
        // One partition per worker behind a shuffle: xgboost4j-spark trains in a barrier stage, which refuses an RDD
        // chain with a coalesce or a union in it (SPARK-24820), as user data often has.
        input = input.repartition(settings.workers);
        long start = System.nanoTime();
        XGBoostClassificationModel model = classifier.fit(input);
        double seconds = (System.nanoTime() - start) / 1e9;
        LOG.info("Trained XGBoost on {} rows with {} workers in {} s", rows, settings.workers, String.format(Locale.ROOT, "%.1f", seconds));
        byte[] json;
        try {
            json = model.nativeBooster().toByteArray("json");
        } catch (ml.dmlc.xgboost4j.java.XGBoostError e) {
            throw new ModelException("Cannot serialise the trained XGBoost booster: " + e.getMessage(), e);
        }
        Map<String, String> recorded = new TreeMap<>();
        params.forEach((k, v) -> recorded.put(k, String.valueOf(v)));
        recorded.put("num_boost_round", Integer.toString(settings.rounds));
        recorded.put("num_workers", Integer.toString(settings.workers));
        recorded.put("class_weighting", settings.balanced ? "balanced" : "none");
        return new Trained(json, schema, recorded, rows, seconds);
    }

    /**
     * Trains and writes a model bundle.
     *
     * @param data the training rows (see {@link #fit})
     * @param schema the features
     * @param name the model name
     * @param version the bundle's version label
     * @param directory an empty or missing folder for the bundle
     * @return the bundle
     */
    public ModelBundle train(Dataset<Row> data, FeatureSchema schema, String name, String version, Path directory) {
        return fit(data, schema).bundle(name, version, settings.threshold, settings.clock, directory);
    }

    /**
     * Trains, writes the bundle and registers it.
     *
     * @param data the training rows (see {@link #fit})
     * @param schema the features
     * @param registry where the model goes
     * @param name the model name
     * @param workDirectory a scratch folder for the bundle
     * @return the registered version
     */
    public ModelVersion trainAndRegister(Dataset<Row> data, FeatureSchema schema, ModelRegistry registry, String name,
            Path workDirectory) {
        String version = settings.clock.instant().toString().replace(':', '-');
        ModelBundle bundle = train(data, schema, name, version, workDirectory.resolve(name + "-" + version));
        return registry.register(name, bundle, Map.of("trainer", "xgboost4j-spark", "workers", Integer.toString(settings.workers)));
    }

    private org.apache.spark.sql.Column weight() {
        return settings.weightColumn == null ? lit(1.0) : col(q(settings.weightColumn)).cast("double");
    }

    private static scala.collection.immutable.Map<String, Object> scalaMap(Map<String, Object> params) {
        return scala.collection.JavaConverters.mapAsScalaMapConverter(params).asScala()
                .toMap(scala.Predef$.MODULE$.$conforms());
    }

    private static String q(String name) {
        return "`" + name.replace("`", "``") + "`";
    }

    /**
     * A booster trained on Spark.
     *
     * @param modelJson the booster in XGBoost's JSON format
     * @param schema its features
     * @param parameters the XGBoost parameters it was trained with
     * @param rows training rows
     * @param seconds wall-clock training time
     */
    public record Trained(byte[] modelJson, FeatureSchema schema, Map<String, String> parameters, long rows, double seconds) {
        /** Copies the parameters. */
        public Trained {
            Objects.requireNonNull(modelJson, "modelJson");
            Objects.requireNonNull(schema, "schema");
            parameters = Map.copyOf(parameters);
        }

        /**
         * Writes the booster as a model bundle.
         *
         * @param name the model name
         * @param version the bundle's version label
         * @param threshold the decision threshold on the probability
         * @param clock gives the bundle's creation time
         * @param directory an empty or missing folder
         * @return the bundle
         */
        public ModelBundle bundle(String name, String version, double threshold, Clock clock, Path directory) {
            try {
                Files.createDirectories(directory.getParent() == null ? directory.toAbsolutePath().getParent() : directory.getParent());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return ModelBundle.builder(name, version)
                    .model(ModelFormat.XGBOOST_JSON, "model.json", modelJson)
                    .schema(schema)
                    .threshold(threshold)
                    .hyperParameters(new LinkedHashMap<>(parameters))
                    .metric("train_rows", rows)
                    .metric("train_seconds", seconds)
                    .metadata("trainer", "xgboost4j-spark")
                    .createdAt(clock.instant())
                    .writeTo(directory);
        }
    }

    /** Training settings; {@link #build()} checks them all. Not thread-safe. */
    public static final class Builder {
        private int rounds = 100;
        private int maxDepth = 6;
        private double learningRate = 0.3;
        private String objective = "binary:logistic";
        private String treeMethod = "hist";
        private String evalMetric = "logloss";
        private int threads = 1;
        private int workers = 1;
        private long seed;
        private boolean balanced = true;
        private double threshold = 0.5;
        private String labelColumn = "label";
        private String weightColumn;
        private Clock clock = Clock.systemUTC();
        private Map<String, Object> overrides = new LinkedHashMap<>();

        private Builder() {}

        private Builder copy() {
            Builder b = new Builder();
            b.rounds = rounds;
            b.maxDepth = maxDepth;
            b.learningRate = learningRate;
            b.objective = objective;
            b.treeMethod = treeMethod;
            b.evalMetric = evalMetric;
            b.threads = threads;
            b.workers = workers;
            b.seed = seed;
            b.balanced = balanced;
            b.threshold = threshold;
            b.labelColumn = labelColumn;
            b.weightColumn = weightColumn;
            b.clock = clock;
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

        /** @param rounds boosting rounds (default 100) @return this builder */
        public Builder rounds(int rounds) {
            this.rounds = rounds;
            return this;
        }

        /** @param depth {@code max_depth} (default 6) @return this builder */
        public Builder maxDepth(int depth) {
            this.maxDepth = depth;
            return this;
        }

        /** @param eta {@code eta} (default 0.3) @return this builder */
        public Builder learningRate(double eta) {
            this.learningRate = eta;
            return this;
        }

        /** @param objective {@code objective} (default {@code binary:logistic}) @return this builder */
        public Builder objective(String objective) {
            this.objective = Objects.requireNonNull(objective, "objective");
            return this;
        }

        /** @param method {@code tree_method} (default {@code hist}) @return this builder */
        public Builder treeMethod(String method) {
            this.treeMethod = Objects.requireNonNull(method, "method");
            return this;
        }

        /** @param metric {@code eval_metric} (default {@code logloss}) @return this builder */
        public Builder evalMetric(String metric) {
            this.evalMetric = Objects.requireNonNull(metric, "metric");
            return this;
        }

        /**
         * @param threads {@code nthread} of each worker (default 1: on a busy machine more threads than free cores
         *        make OpenMP spin)
         * @return this builder
         */
        public Builder threads(int threads) {
            this.threads = threads;
            return this;
        }

        /** @param workers Spark tasks that train together (default 1; at most the cluster's free task slots) @return this builder */
        public Builder workers(int workers) {
            this.workers = workers;
            return this;
        }

        /** @param seed {@code seed} (default 0) @return this builder */
        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        /**
         * @param balanced whether {@code scale_pos_weight} is the negative over the positive weight (default) or 1
         * @return this builder
         */
        public Builder balancedClasses(boolean balanced) {
            this.balanced = balanced;
            return this;
        }

        /** @param threshold the decision threshold stored in the bundle (default 0.5) @return this builder */
        public Builder threshold(double threshold) {
            this.threshold = threshold;
            return this;
        }

        /** @param column the 0/1 label column (default {@code label}) @return this builder */
        public Builder labelColumn(String column) {
            this.labelColumn = Objects.requireNonNull(column, "column");
            return this;
        }

        /** @param column the sample weight column, or null for none (default none) @return this builder */
        public Builder weightColumn(@org.jspecify.annotations.Nullable String column) {
            this.weightColumn = column;
            return this;
        }

        /** @param clock gives bundle creation times and version labels @return this builder */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /**
         * @param name any XGBoost parameter name ({@code min_child_weight}, {@code subsample}, ...)
         * @param value its value; overrides the settings above
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
        public SparkXgboostTrainer build() {
            List<String> problems = new ArrayList<>();
            if (rounds < 1) {
                problems.add("rounds must be at least 1 but was " + rounds);
            }
            if (maxDepth < 0) {
                problems.add("maxDepth must be at least 0 but was " + maxDepth);
            }
            if (!(learningRate > 0 && learningRate <= 1)) {
                problems.add("learningRate must be in (0, 1] but was " + learningRate);
            }
            if (threads < 1) {
                problems.add("threads must be at least 1 but was " + threads);
            }
            if (workers < 1) {
                problems.add("workers must be at least 1 but was " + workers);
            }
            if (!(threshold >= 0 && threshold <= 1)) {
                problems.add("threshold must be in [0, 1] but was " + threshold);
            }
            if (labelColumn.equals(weightColumn)) {
                problems.add("The label and weight columns must differ but both are \"" + labelColumn + "\"");
            }
            if (!problems.isEmpty()) {
                throw new ConfigurationException(problems);
            }
            return new SparkXgboostTrainer(this);
        }
    }
}
