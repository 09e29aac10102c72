package dev.anomalyops.spark.demo;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.anomalyops.core.ConfigurationException;
import dev.anomalyops.core.FeatureSchema;
import dev.anomalyops.core.InputException;
import dev.anomalyops.core.model.ModelBundle;
import dev.anomalyops.core.registry.FileModelRegistry;
import dev.anomalyops.core.registry.ModelRegistry;
import dev.anomalyops.core.registry.ModelVersion;
import dev.anomalyops.core.scoring.FeatureBatch;
import dev.anomalyops.core.scoring.Scorer;
import dev.anomalyops.core.scoring.ScorerOptions;
import dev.anomalyops.core.scoring.Scorers;
import dev.anomalyops.features.metrics.FeatureSpec;
import dev.anomalyops.spark.SparkFeatures;
import dev.anomalyops.spark.SparkIsolationForest;
import dev.anomalyops.spark.SparkXgboostTrainer;
import dev.anomalyops.spark.internal.JobOptions;
import dev.anomalyops.spark.internal.LocalSpark;
import dev.anomalyops.train.detect.IsolationForestModel;
import dev.anomalyops.train.eval.Evaluation;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.TimestampType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import scala.Tuple2;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.lit;

/**
 * The Spark stage of {@code ./anomalyops demo --spark}: runs the demo's features, Isolation Forest scoring and
 * XGBoost training again on Spark (local mode) over the files the single-machine demo left in its workspace, and
 * checks them against it.
 *
 * <ul>
 *   <li>Features: {@link SparkFeatures} over {@code valid/split=*} (the validated samples), compared with the demo's
 *       {@code features/split=*} row by row on (instance, timestamp) and value by value on the exact float bits.</li>
 *   <li>Detector: the demo's Isolation Forest ({@code detector/bundle}) broadcast by {@link SparkIsolationForest}
 *       over the Spark features of the test split, compared with the same forest scoring the same rows on one
 *       machine.</li>
 *   <li>Training: {@link SparkXgboostTrainer} on the train split's Spark features, labelled with the forest's
 *       pseudo-labels (the single-machine stage also has the review answers; this stage shows the distributed path,
 *       not a better model), registered in the demo's registry as {@code MODEL-spark} and evaluated on the test
 *       split's ground truth with the SDK's scorer.</li>
 * </ul>
 *
 * <p>Writes one JSON object with the figures to {@code --out}. Runs in its own JVM because Spark is a
 * {@code provided} dependency that the reference app does not carry.
 */
public final class SparkDemoStage {
    private static final Logger LOG = LoggerFactory.getLogger(SparkDemoStage.class);
    private static final List<String> SPLITS = List.of("train", "test");
    /** The label column of the validated test samples and of the demo's feature files. */
    static final String LABEL = "label";
    /** The pseudo-label column the stage trains on. */
    static final String PSEUDO_LABEL = "pseudo_label";
    /** Differing values named in the output, in all. */
    private static final int MAX_EXAMPLES = 10;
    /** Between a split and an instance key while both splits run as one job. */
    private static final String SEPARATOR = "/";
    /** The instance column of the demo's feature files. */
    private static final String SINGLE_INSTANCE = "instance";

    private SparkDemoStage() {}

    /**
     * @param args {@code --work DIR --spec FILE --model NAME --out FILE [--cores N] [--rounds N]}
     * @throws ConfigurationException when an option is missing, unknown or malformed
     */
    public static void main(String[] args) {
        Map<String, String> options = parse(args);
        Path work = Path.of(options.get("work"));
        FeatureSpec spec = FeatureSpec.read(Path.of(options.get("spec")));
        int cores = positive(options, "cores", 2);
        int rounds = positive(options, "rounds", 50);
        ObjectNode result = run(work, spec, options.get("model"), cores, rounds);
        try {
            Files.writeString(Path.of(options.get("out")), new ObjectMapper().writerWithDefaultPrettyPrinter()
                    .writeValueAsString(result));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Runs the stage in a local Spark session of {@code cores} threads (stopped at the end).
     *
     * @param work the demo's workspace ({@code WORK/demo})
     * @param spec the feature spec the demo computed its features with
     * @param model the demo's model name
     * @param cores Spark local threads, also the XGBoost workers
     * @param rounds XGBoost rounds
     * @return the figures
     */
    public static ObjectNode run(Path work, FeatureSpec spec, String model, int cores, int rounds) {
        // Everything the stage reads is checked before Spark starts, so a missing demo fails in a second.
        for (String split : SPLITS) {
            require(work.resolve("valid/split=" + split));
            require(work.resolve("features/split=" + split));
        }
        require(work.resolve("detector/bundle").resolve(IsolationForestModel.MODEL_FILE));
        long t0 = System.nanoTime();
        SparkSession spark = LocalSpark.session(cores, cores * 4);
        try {
            ObjectNode o = new ObjectMapper().createObjectNode();
            o.put("sparkVersion", spark.version());
            o.put("cores", cores);
            o.put("sessionSeconds", seconds(t0));
            FeatureSchema schema = spec.schema();

            // Both splits in one Spark job, each machine's instance key prefixed with its split: the demo computes
            // the splits apart (windows start afresh in each), and one job plans and generates code once.
            String instance = spec.instanceColumn();
            Dataset<Row> samples = null;
            Dataset<Row> single = null;
            for (String split : SPLITS) {
                Dataset<Row> s = prefixed(spark.read().parquet(work.resolve("valid/split=" + split).toString()),
                        instance, split);
                Dataset<Row> j = prefixed(spark.read().parquet(work.resolve("features/split=" + split).toString()),
                        SINGLE_INSTANCE, split);
                samples = samples == null ? s : samples.unionByName(s, true);
                single = single == null ? j : single.unionByName(j, true);
            }
            List<String> carry = Arrays.asList(samples.columns()).contains(LABEL) ? List.of(LABEL) : List.of();
            long t = System.nanoTime();
            SparkFeatures.Result r = SparkFeatures.of(spec).compute(samples, carry);
            Dataset<Row> all = r.features().cache();
            all.count();
            double featureSeconds = seconds(t);
            Map<String, Comparison> comparisons = compare(all, single, spec);
            ObjectNode featureNode = o.putObject("features");
            ObjectNode splits = featureNode.putObject("splits");
            boolean equal = true;
            Map<String, Dataset<Row>> features = new LinkedHashMap<>();
            for (String split : SPLITS) {
                Comparison c = comparisons.getOrDefault(split, Comparison.EMPTY);
                ObjectNode n = splits.putObject(split);
                n.put("rows", c.sparkRows);
                n.put("rejected", r.rejected().filter(col(q(instance)).startsWith(split + SEPARATOR)).count());
                n.put("singleMachineRows", c.singleRows);
                n.put("onlySpark", c.onlySpark);
                n.put("onlySingleMachine", c.onlySingle);
                n.put("differingValues", c.differing);
                c.examples.forEach(n.putArray("differences")::add);
                equal &= c.equal() && c.sparkRows > 0;
                features.put(split, all.filter(col(q(instance)).startsWith(split + SEPARATOR)));
                LOG.info("Spark features {}: {} rows; equal to the single machine: {}", split, c.sparkRows, c.equal());
            }
            featureNode.put("equalToSingleMachine", equal);
            featureNode.put("features", schema.size());
            featureNode.put("seconds", featureSeconds);

            IsolationForestModel forest = forest(work, schema);
            SparkIsolationForest distributed = SparkIsolationForest.of(forest);
            o.set("detector", detector(distributed, forest, features.get("test"), spec));

            // Pseudo-labels for training: the forest's flags on the train split, computed on Spark.
            Dataset<Row> train = distributed.score(features.get("train"))
                    .withColumn(PSEUDO_LABEL, col(SparkIsolationForest.FLAG_COLUMN).cast("int")).cache();
            SparkXgboostTrainer trainer = SparkXgboostTrainer.builder().rounds(rounds).workers(cores).threads(1)
                    .labelColumn(PSEUDO_LABEL).build();
            t = System.nanoTime();
            String name = model + "-spark";
            ModelVersion version;
            try (ModelRegistry registry = FileModelRegistry.open(work.resolve("registry"))) {
                version = trainer.trainAndRegister(train, schema, registry, name, work.resolve("bundles/spark"));
                ObjectNode training = o.putObject("training");
                training.put("seconds", seconds(t));
                training.put("model", name);
                training.put("version", version.version());
                training.put("rows", train.count());
                training.put("pseudoAnomalies", train.filter(col(PSEUDO_LABEL).equalTo(1)).count());
                training.put("rounds", rounds);
                training.put("workers", cores);
                training.set("holdout", holdout(registry.open(version), features.get("test"), spec));
            }
            LOG.info("Registered {} version {}", name, version.version());
            o.put("seconds", seconds(t0));
            return o;
        } finally {
            spark.stop();
        }
    }

    /** How the Spark features of one split compare with the single machine's. */
    private record Comparison(long sparkRows, long singleRows, long onlySpark, long onlySingle, long differing,
            List<String> examples) {
        static final Comparison EMPTY = new Comparison(0, 0, 0, 0, 0, List.of());

        boolean equal() {
            return onlySpark == 0 && onlySingle == 0 && differing == 0;
        }
    }

    /** Prefixes each instance key with its split, so that both splits run as one job and stay apart. */
    private static Dataset<Row> prefixed(Dataset<Row> rows, String instanceColumn, String split) {
        return rows.withColumn(instanceColumn, concat(lit(split + SEPARATOR), col(q(instanceColumn))));
    }

    /**
     * Joins the Spark features with the single machine's on (instance, timestamp) and counts, per split, the rows on
     * one side only and the values whose float32 bits differ (the single machine writes its float32 values as
     * doubles, which convert back exactly).
     */
    private static Map<String, Comparison> compare(Dataset<Row> spark, Dataset<Row> single, FeatureSpec spec) {
        List<String> names = new ArrayList<>(spec.schema().names());
        int width = names.size();
        List<Column> left = new ArrayList<>();
        left.add(col(q(spec.instanceColumn())).as("_s_i"));
        left.add(col(q(spec.timestampColumn())).cast("long").as("_s_t"));
        List<Column> right = new ArrayList<>();
        right.add(col(SINGLE_INSTANCE).as("_j_i"));
        right.add((single.schema().apply("timestamp").dataType() instanceof TimestampType
                ? expr("unix_millis(timestamp)") : col("timestamp").cast("long")).as("_j_t"));
        for (int f = 0; f < width; f++) {
            left.add(col(q(names.get(f))).cast("float").as("_s_" + f));
            right.add(col(q(names.get(f))).cast("float").as("_j_" + f));
        }
        Dataset<Row> a = spark.select(left.toArray(Column[]::new));
        Dataset<Row> b = single.select(right.toArray(Column[]::new));
        Dataset<Row> joined = a.join(b, col("_s_i").equalTo(col("_j_i")).and(col("_s_t").equalTo(col("_j_t"))),
                "full_outer").cache();
        // Columns: _s_i, _s_t, _s_0.._s_(w-1), _j_i, _j_t, _j_0.._j_(w-1).
        Map<String, long[]> counts = new LinkedHashMap<>(joined.javaRDD().mapToPair(row -> {
            boolean inSpark = !row.isNullAt(0);
            boolean inSingle = !row.isNullAt(width + 2);
            long differing = 0;
            if (inSpark && inSingle) {
                for (int f = 0; f < width; f++) {
                    if (bits(row, 2 + f) != bits(row, width + 4 + f)) {
                        differing++;
                    }
                }
            }
            String instance = inSpark ? row.getString(0) : row.getString(width + 2);
            return new Tuple2<>(instance.substring(0, instance.indexOf(SEPARATOR)), new long[] {inSpark ? 1 : 0,
                inSingle ? 1 : 0, inSpark && !inSingle ? 1 : 0, inSingle && !inSpark ? 1 : 0, differing});
        }).reduceByKey((x, y) -> new long[] {x[0] + y[0], x[1] + y[1], x[2] + y[2], x[3] + y[3], x[4] + y[4]})
                .collectAsMap());
        List<String> examples = List.of();
        if (counts.values().stream().anyMatch(c -> c[4] > 0)) {
            // A few differing values, named, so that a difference can be looked into without a debugger.
            examples = joined.orderBy(col("_s_i"), col("_s_t")).javaRDD().flatMap(row -> {
                List<String> out = new ArrayList<>();
                if (!row.isNullAt(0) && !row.isNullAt(width + 2)) {
                    for (int f = 0; f < width; f++) {
                        if (bits(row, 2 + f) != bits(row, width + 4 + f)) {
                            out.add(names.get(f) + " of " + row.getString(0) + " at " + row.getLong(1) + ": Spark "
                                    + value(row, 2 + f) + ", single machine " + value(row, width + 4 + f));
                        }
                    }
                }
                return out.iterator();
            }).take(MAX_EXAMPLES);
        }
        Map<String, Comparison> bySplit = new LinkedHashMap<>();
        for (Map.Entry<String, long[]> e : counts.entrySet()) {
            long[] c = e.getValue();
            String prefix = e.getKey() + SEPARATOR;
            bySplit.put(e.getKey(), new Comparison(c[0], c[1], c[2], c[3], c[4],
                    examples.stream().filter(x -> x.contains(" of " + prefix)).toList()));
        }
        joined.unpersist();
        return bySplit;
    }

    /**
     * A float value's bits; null is a missing value, as NaN is (anomaly-features' Parquet writer stores a missing
     * feature as null, Spark's features keep NaN), so both get the bits of the canonical NaN.
     */
    private static int bits(Row row, int column) {
        return Float.floatToIntBits(row.isNullAt(column) ? Float.NaN : row.getFloat(column));
    }

    private static String value(Row row, int column) {
        return row.isNullAt(column) ? "null" : Float.toString(row.getFloat(column));
    }

    private static IsolationForestModel forest(Path work, FeatureSchema schema) {
        Path file = work.resolve("detector/bundle").resolve(IsolationForestModel.MODEL_FILE);
        try {
            return IsolationForestModel.fromBytes(Files.readAllBytes(file), schema);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Scores the test split on Spark and on one machine; the scores must agree. */
    private static ObjectNode detector(SparkIsolationForest distributed, IsolationForestModel forest,
            Dataset<Row> test, FeatureSpec spec) {
        FeatureSchema schema = spec.schema();
        long t = System.nanoTime();
        List<Row> scored = ordered(distributed.score(test), spec).collectAsList();
        double seconds = seconds(t);
        Block block = Block.of(scored, schema);
        double[] single = new double[block.rows];
        forest.score(FeatureBatch.wrap(schema, block.values, block.rows), single);
        int scoreAt = scored.isEmpty() ? -1 : scored.get(0).fieldIndex(SparkIsolationForest.SCORE_COLUMN);
        int flagAt = scored.isEmpty() ? -1 : scored.get(0).fieldIndex(SparkIsolationForest.FLAG_COLUMN);
        double maxDifference = 0;
        long flaggedSpark = 0;
        long flaggedSingle = 0;
        for (int r = 0; r < block.rows; r++) {
            double s = scored.get(r).getDouble(scoreAt);
            maxDifference = Math.max(maxDifference, Math.abs(s - single[r]));
            flaggedSpark += scored.get(r).getBoolean(flagAt) ? 1 : 0;
            flaggedSingle += single[r] >= forest.threshold() ? 1 : 0;
        }
        ObjectNode n = new ObjectMapper().createObjectNode();
        n.put("rows", block.rows);
        n.put("seconds", seconds);
        n.put("maxAbsScoreDifference", maxDifference);
        n.put("flaggedSpark", flaggedSpark);
        n.put("flaggedSingleMachine", flaggedSingle);
        return n;
    }

    /** Scores the test split with the registered bundle through the SDK's own scorer. */
    private static ObjectNode holdout(ModelBundle bundle, Dataset<Row> test, FeatureSpec spec) {
        FeatureSchema schema = spec.schema();
        List<Row> rows = ordered(test, spec).collectAsList();
        Block block = Block.of(rows, schema);
        double[] scores = new double[block.rows];
        try (Scorer scorer = Scorers.open(bundle, ScorerOptions.builder().engine("java").build())) {
            scorer.score(FeatureBatch.wrap(schema, block.values, block.rows), scores);
        }
        int[] labels = new int[block.rows];
        int labelAt = rows.isEmpty() ? -1 : rows.get(0).fieldIndex(LABEL);
        for (int r = 0; r < block.rows; r++) {
            labels[r] = rows.get(r).isNullAt(labelAt) ? 0 : (int) ((Number) rows.get(r).get(labelAt)).longValue();
        }
        Evaluation e = Evaluation.of(scores, bundle.manifest().threshold(), labels);
        ObjectNode n = new ObjectMapper().createObjectNode();
        n.put("rows", block.rows);
        n.put("anomalies", e.anomalies());
        n.put("f1", e.pointwise().f1());
        n.put("precision", e.pointwise().precision());
        n.put("recall", e.pointwise().recall());
        n.put("prAuc", e.averagePrecision());
        n.put("rocAuc", e.rocAuc());
        return n;
    }

    private static Dataset<Row> ordered(Dataset<Row> rows, FeatureSpec spec) {
        return rows.orderBy(col(q(spec.instanceColumn())), col(q(spec.timestampColumn())));
    }

    /** Collected feature rows as a row-major float32 block in model order. */
    private record Block(float[] values, int rows) {
        static Block of(List<Row> rows, FeatureSchema schema) {
            int width = schema.size();
            float[] values = new float[rows.size() * width];
            if (!rows.isEmpty()) {
                int[] at = new int[width];
                for (int f = 0; f < width; f++) {
                    at[f] = rows.get(0).fieldIndex(schema.names().get(f));
                }
                for (int r = 0; r < rows.size(); r++) {
                    Row row = rows.get(r);
                    for (int f = 0; f < width; f++) {
                        values[r * width + f] = row.isNullAt(at[f]) ? Float.NaN : ((Number) row.get(at[f])).floatValue();
                    }
                }
            }
            return new Block(values, rows.size());
        }
    }

    private static void require(Path path) {
        if (!Files.exists(path)) {
            throw new InputException("\"" + path + "\" does not exist: run the demo (./anomalyops demo) first;"
                    + " the Spark stage reads what it left in its workspace");
        }
    }

    static Map<String, String> parse(String[] args) {
        return JobOptions.parse(args, List.of("work", "spec", "model", "out", "cores", "rounds"),
                List.of("work", "spec", "model", "out"));
    }

    private static int positive(Map<String, String> options, String name, int fallback) {
        String value = options.get(name);
        if (value == null) {
            return fallback;
        }
        try {
            int n = Integer.parseInt(value);
            if (n > 0) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new ConfigurationException(List.of("Option \"--" + name + "\" must be a positive integer, not \"" + value + "\""));
    }

    private static double seconds(long t0) {
        return Math.round((System.nanoTime() - t0) / 1e6) / 1000.0;
    }

    private static String q(String name) {
        return "`" + name.replace("`", "``") + "`";
    }
}
