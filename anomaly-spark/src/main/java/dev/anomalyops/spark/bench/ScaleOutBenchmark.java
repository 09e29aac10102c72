package dev.anomalyops.spark.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.anomalyops.features.metrics.BatchFeatures;
import dev.anomalyops.features.metrics.FeatureSpec;
import dev.anomalyops.features.metrics.MetricFrame;
import dev.anomalyops.features.metrics.MetricSource;
import dev.anomalyops.features.metrics.Stat;
import dev.anomalyops.features.metrics.TimeFeature;
import dev.anomalyops.features.metrics.Window;
import dev.anomalyops.spark.SparkFeatures;
import dev.anomalyops.spark.SparkXgboostTrainer;
import dev.anomalyops.spark.internal.LocalSpark;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import ml.dmlc.xgboost4j.java.Booster;
import ml.dmlc.xgboost4j.java.DMatrix;
import ml.dmlc.xgboost4j.java.XGBoost;
import ml.dmlc.xgboost4j.java.XGBoostError;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import scala.Tuple2;

/**
 * The measurement behind {@code ./bench spark}, run in its own JVM on anomaly-spark's class path (with Spark and the
 * JDK 17 flags), so that the benchmarks module never sees Spark's versions. It generates the synthetic workload
 * (instances sampled once a minute, {@code cpu} and {@code network_in}, 0.1 % missing values, labelled spikes),
 * computes the 37 features on Spark and on one machine ({@link BatchFeatures}), compares every value through
 * per-instance digests of the exact float bits, trains XGBoost on Spark and on one machine, and writes the figures
 * as JSON to the file given with {@code --out}. Not API.
 */
public final class ScaleOutBenchmark {
    private static final Logger LOG = LoggerFactory.getLogger(ScaleOutBenchmark.class);
    /** Epoch ms of the first sample (2026-01-05T00:00Z, a Monday). */
    static final long START = 1_767_571_200_000L;

    private ScaleOutBenchmark() {}

    /** @return the 37-feature spec of the feature benchmark: windows 5/15/60 x 4 stats, lags, diff, pct, calendar */
    public static FeatureSpec spec37() {
        return FeatureSpec.builder("bench-37").metrics("cpu", "network_in")
                .window(Window.ofSamples(5, Stat.MEAN, Stat.STD, Stat.MIN, Stat.MAX))
                .window(Window.ofSamples(15, Stat.MEAN, Stat.STD, Stat.MIN, Stat.MAX))
                .window(Window.ofSamples(60, Stat.MEAN, Stat.STD, Stat.MIN, Stat.MAX))
                .lags(1, 5, 15).diffs(1).pctChanges(1)
                .time(TimeFeature.HOUR, TimeFeature.DAY_OF_WEEK, TimeFeature.WEEKEND).build();
    }

    /**
     * @param args {@code --rows N --instances N --seed N --cores N --rounds N --data DIR --out FILE
     *        --single-train-max N}
     * @throws Exception when a step fails
     */
    public static void main(String[] args) throws Exception {
        Map<String, String> a = new HashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            a.put(args[i].replaceFirst("^--", ""), args[i + 1]);
        }
        int rows = Integer.parseInt(a.getOrDefault("rows", "1000000"));
        int instances = Integer.parseInt(a.getOrDefault("instances", "1500"));
        long seed = Long.parseLong(a.getOrDefault("seed", "42"));
        int cores = Integer.parseInt(a.getOrDefault("cores", "2"));
        int rounds = Integer.parseInt(a.getOrDefault("rounds", "100"));
        long singleTrainMax = Long.parseLong(a.getOrDefault("single-train-max", "3000000"));
        Path data = Path.of(a.getOrDefault("data", "target/bench-spark"));
        Path out = Path.of(a.getOrDefault("out", "target/bench-spark/result.json"));
        ObjectNode result = run(rows, instances, seed, cores, rounds, singleTrainMax, data);
        Files.createDirectories(out.toAbsolutePath().getParent());
        Files.writeString(out, new ObjectMapper().writeValueAsString(result));
    }

    static ObjectNode run(int rows, int instances, long seed, int cores, int rounds, long singleTrainMax, Path data)
            throws IOException, XGBoostError {
        FeatureSpec spec = spec37();
        int width = spec.schema().size();
        Path dir = data.resolve(rows + "x" + instances + "-" + seed).toAbsolutePath();
        Path samples = dir.resolve("samples.parquet");
        Path features = dir.resolve("features-spark.parquet");
        long t0 = System.nanoTime();
        SparkSession spark = LocalSpark.session(cores, Math.max(4, cores * 4));
        spark.sparkContext().setLogLevel("WARN");
        LOG.info("Spark {} local[{}] started in {} s", spark.version(), cores, seconds(t0));
        if (!Files.exists(samples.resolve("_SUCCESS"))) {
            LOG.info("Generating {} rows for {} instances into {} ...", rows, instances, samples);
            generate(spark, rows, instances, seed, cores * 4).write().mode(SaveMode.Overwrite).parquet(samples.toString());
        }

        // Spark: read Parquet, compute, write Parquet (the write forces the whole computation).
        LOG.info("Spark features ...");
        t0 = System.nanoTime();
        SparkFeatures.Result r = SparkFeatures.of(spec).compute(spark.read().parquet(samples.toString()), List.of("label"));
        r.features().write().mode(SaveMode.Overwrite).parquet(features.toString());
        double featureSeconds = seconds(t0);
        long rejected = r.rejected().count();
        LOG.info("Spark features: {} s", featureSeconds);

        // One machine: BatchFeatures over the same samples, in memory (reading them is not counted).
        MetricFrame frame = frame(rows, instances, seed);
        int[] labels = labels(rows, instances, seed);
        boolean keepRows = (long) rows <= singleTrainMax;
        float[] javaRows = keepRows ? new float[rows * width] : new float[0];
        Map<String, long[]> javaDigest = new HashMap<>();
        int[] count = {0};
        LOG.info("Single-machine features ...");
        t0 = System.nanoTime();
        BatchFeatures.Result batch = BatchFeatures.of(spec).run(MetricSource.of(frame), (instance, ts, row, offset) -> {
            long[] d = javaDigest.computeIfAbsent(instance, k -> new long[2]);
            d[0] += RowDigest.hash(ts, row, offset, width);
            d[1]++;
            if (keepRows) {
                System.arraycopy(row, offset, javaRows, count[0] * width, width);
            }
            count[0]++;
        }, (n, i, t, o) -> { });
        double singleFeatureSeconds = seconds(t0);
        LOG.info("Single-machine features: {} s", singleFeatureSeconds);

        Dataset<Row> written = spark.read().parquet(features.toString());
        Map<String, Long> sparkSums = new HashMap<>();
        Map<String, Long> sparkCounts = new HashMap<>();
        List<Tuple2<String, Tuple2<Long, Long>>> digests = written.toJavaRDD()
                .mapToPair(row -> new Tuple2<>(row.getString(0), new Tuple2<>(RowDigest.hash(row, width), 1L)))
                .reduceByKey((x, y) -> new Tuple2<>(x._1() + y._1(), x._2() + y._2())).collect();
        for (Tuple2<String, Tuple2<Long, Long>> d : digests) {
            sparkSums.put(d._1(), d._2()._1());
            sparkCounts.put(d._1(), d._2()._2());
        }
        boolean equal = rejected == 0 && batch.rowsOut() == rows && sparkSums.size() == javaDigest.size();
        for (Map.Entry<String, long[]> e : javaDigest.entrySet()) {
            Long s = sparkSums.get(e.getKey());
            Long c = sparkCounts.get(e.getKey());
            if (s == null || c == null || s != e.getValue()[0] || c != e.getValue()[1]) {
                equal = false;
            }
        }
        LOG.info("Equal to single machine: {}", equal);

        // Training on Spark: the features Parquet, label carried through, one worker per core.
        LOG.info("Spark XGBoost training ({} rounds, {} workers) ...", rounds, cores);
        SparkXgboostTrainer trainer = SparkXgboostTrainer.builder().rounds(rounds).workers(cores).threads(1).build();
        t0 = System.nanoTime();
        SparkXgboostTrainer.Trained trained = trainer.fit(spark.read().parquet(features.toString()), spec.schema());
        double trainingSeconds = seconds(t0);
        LOG.info("Spark training: {} s", trainingSeconds);

        Double singleTrainingSeconds = null;
        if (keepRows) {
            LOG.info("Single-machine XGBoost training ...");
            float[] y = new float[rows];
            for (int i = 0; i < rows; i++) {
                y[i] = labels[i];
            }
            t0 = System.nanoTime();
            DMatrix m = new DMatrix(javaRows, rows, width, Float.NaN);
            m.setLabel(y);
            Map<String, Object> params = new HashMap<>(trained.parameters());
            params.keySet().removeAll(List.of("num_boost_round", "num_workers", "class_weighting"));
            params.put("nthread", cores);
            Booster booster = XGBoost.train(m, params, rounds, Map.of(), null, null);
            singleTrainingSeconds = seconds(t0);
            booster.dispose();
            m.dispose();
            LOG.info("Single-machine training: {} s", singleTrainingSeconds);
        }
        ObjectNode o = new ObjectMapper().createObjectNode();
        o.put("equal_to_single_machine", equal);
        o.put("feature_seconds", round(featureSeconds));
        o.put("training_seconds", round(trainingSeconds));
        o.put("single_machine_feature_seconds", round(singleFeatureSeconds));
        if (singleTrainingSeconds != null) {
            o.put("single_machine_training_seconds", round(singleTrainingSeconds));
        } else {
            o.putNull("single_machine_training_seconds");
        }
        o.put("rows", rows);
        o.put("instances", instances);
        o.put("features", width);
        o.put("feature_rows", batch.rowsOut());
        o.put("spark_feature_rows", sparkCounts.values().stream().mapToLong(Long::longValue).sum());
        o.put("spark_cores", cores);
        o.put("xgboost_workers", cores);
        o.put("rounds", rounds);
        o.put("spark_version", spark.version());
        o.put("feature_rows_per_second", Math.round(rows / featureSeconds));
        o.put("single_machine_feature_rows_per_second", Math.round(rows / singleFeatureSeconds));
        spark.stop();
        return o;
    }

    private static double seconds(long t0) {
        return (System.nanoTime() - t0) / 1e9;
    }

    private static double round(double s) {
        return Math.round(s * 1000) / 1000.0;
    }

    /** Rows of instance {@code i}: the first {@code rows % instances} instances get one more. */
    static int rowsOf(int i, int rows, int instances) {
        return rows / instances + (i < rows % instances ? 1 : 0);
    }

    static String name(int i) {
        return String.format("i-%08x", (i + 1) * 2_654_435_761L & 0xffffffffL);
    }

    /** One instance's samples: cpu (daily cycle, noise, rare spikes), network_in (log-normal), labels for spikes. */
    static void instance(int i, int count, long seed, Sink sink) {
        SplittableRandom random = new SplittableRandom(seed * 1_000_003L + i);
        double base = 20 + random.nextDouble() * 40;
        double phase = random.nextDouble() * 2 * Math.PI;
        for (int k = 0; k < count; k++) {
            double day = Math.sin(2 * Math.PI * k / 1440.0 + phase);
            double cpu = base + 15 * day + random.nextDouble() * 4 - 2;
            int label = 0;
            if (random.nextDouble() < 0.002) {
                cpu += 40;
                label = 1;
            }
            double net = Math.exp(13 + 0.5 * day + 0.2 * (random.nextDouble() - 0.5));
            if (random.nextDouble() < 0.001) {
                net *= 8;
                label = 1;
            }
            double c = random.nextDouble() < 0.001 ? Double.NaN : cpu;
            double n = random.nextDouble() < 0.001 ? Double.NaN : net;
            sink.sample(START + k * 60_000L, c, n, label);
        }
    }

    interface Sink {
        void sample(long ts, double cpu, double net, int label);
    }

    static Dataset<Row> generate(SparkSession spark, int rows, int instances, long seed, int partitions) {
        StructType type = new StructType(new StructField[] {
            DataTypes.createStructField("instance", DataTypes.StringType, false),
            DataTypes.createStructField("timestamp", DataTypes.LongType, false),
            DataTypes.createStructField("cpu", DataTypes.DoubleType, true),
            DataTypes.createStructField("network_in", DataTypes.DoubleType, true),
            DataTypes.createStructField("label", DataTypes.IntegerType, false)});
        FlatMapFunction<Long, Row> expand = id -> {
            int i = id.intValue();
            String name = name(i);
            List<Row> out = new ArrayList<>();
            instance(i, rowsOf(i, rows, instances), seed, (ts, c, n, l) -> out.add(RowFactory.create(name, ts, c, n, l)));
            return out.iterator();
        };
        return spark.range(0, instances, 1, partitions).as(Encoders.LONG()).flatMap(expand, Encoders.row(type));
    }

    static MetricFrame frame(int rows, int instances, long seed) {
        MetricFrame f = new MetricFrame(List.of("cpu", "network_in"), rows);
        for (int i = 0; i < instances; i++) {
            String name = name(i);
            instance(i, rowsOf(i, rows, instances), seed, (ts, c, n, l) -> f.add(name, ts, c, n));
        }
        return f;
    }

    static int[] labels(int rows, int instances, long seed) {
        int[] labels = new int[rows];
        int[] at = {0};
        for (int i = 0; i < instances; i++) {
            instance(i, rowsOf(i, rows, instances), seed, (ts, c, n, l) -> labels[at[0]++] = l);
        }
        return labels;
    }

    /** An order-independent digest of feature rows: per-row hashes of the exact float bits, summed per instance. */
    static final class RowDigest {
        private RowDigest() {}

        static long hash(long ts, float[] row, int offset, int width) {
            long h = mix(ts);
            for (int f = 0; f < width; f++) {
                h = mix(h * 31 + Float.floatToIntBits(row[offset + f]));
            }
            return h;
        }

        static long hash(Row row, int width) {
            long h = mix(row.getLong(1));
            for (int f = 0; f < width; f++) {
                h = mix(h * 31 + Float.floatToIntBits(row.getFloat(2 + f)));
            }
            return h;
        }

        private static long mix(long z) {
            z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
            z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
            return z ^ (z >>> 31);
        }
    }

}
