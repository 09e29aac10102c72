package dev.anomalyops.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.anomalyops.core.ConfigurationException;
import dev.anomalyops.core.FeatureSchema;
import dev.anomalyops.core.InputException;
import dev.anomalyops.core.model.ModelBundle;
import dev.anomalyops.core.model.ModelFormat;
import dev.anomalyops.core.registry.ModelRegistry;
import dev.anomalyops.core.registry.ModelVersion;
import dev.anomalyops.core.scoring.FeatureBatch;
import dev.anomalyops.core.scoring.Scorer;
import dev.anomalyops.core.scoring.ScorerOptions;
import dev.anomalyops.core.scoring.Scorers;
import dev.anomalyops.registry.s3.S3ModelRegistry;
import dev.anomalyops.registry.s3.testing.S3ProxyServer;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import ml.dmlc.xgboost4j.java.Booster;
import ml.dmlc.xgboost4j.java.DMatrix;
import ml.dmlc.xgboost4j.java.XGBoost;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * xgboost4j-spark training in local mode with the single-machine parameters: one or two workers give a booster that
 * decides as xgboost4j on one machine does; the bundle scores identically in the SDK's scorer and registers in the S3 registry
 * (a real S3 server, s3proxy, on loopback).
 */
class SparkXgboostTrainerTest {
    @TempDir
    Path dir;

    private static final int ROWS = 3_000;
    private static final FeatureSchema SCHEMA = FeatureSchema.of("cpu", "mem", "net", "disk");

    @Test
    void oneWorkerEqualsSingleMachineAndTwoWorkersRegisterAScorableBundleInS3() throws Exception {
        float[] values = new float[ROWS * 4];
        float[] labels = new float[ROWS];
        float[] weights = new float[ROWS];
        List<Row> rows = new ArrayList<>();
        SplittableRandom random = new SplittableRandom(11);
        for (int r = 0; r < ROWS; r++) {
            double cpu = random.nextDouble();
            double mem = random.nextDouble();
            double net = random.nextGaussian();
            double disk = random.nextDouble() < 0.05 ? Double.NaN : random.nextDouble();
            boolean anomaly = cpu > 0.85 && mem > 0.5 || net > 2.2 || random.nextDouble() < 0.01;
            float w = random.nextDouble() < 0.2 ? 1.0f : 0.5f; // human versus pseudo labels
            values[r * 4] = (float) cpu;
            values[r * 4 + 1] = (float) mem;
            values[r * 4 + 2] = (float) net;
            values[r * 4 + 3] = (float) disk;
            labels[r] = anomaly ? 1 : 0;
            weights[r] = w;
            rows.add(RowFactory.create((long) r, values[r * 4], values[r * 4 + 1], values[r * 4 + 2],
                    Float.isNaN(values[r * 4 + 3]) ? null : values[r * 4 + 3], anomaly ? 1 : 0, w));
        }
        StructType type = new StructType(new StructField[] {
            DataTypes.createStructField("row", DataTypes.LongType, false),
            DataTypes.createStructField("cpu", DataTypes.FloatType, false),
            DataTypes.createStructField("mem", DataTypes.FloatType, false),
            DataTypes.createStructField("net", DataTypes.FloatType, false),
            DataTypes.createStructField("disk", DataTypes.FloatType, true),
            DataTypes.createStructField("label", DataTypes.IntegerType, false),
            DataTypes.createStructField("weight", DataTypes.FloatType, false)});
        SparkSession spark = TestSpark.session();
        Dataset<Row> data = spark.createDataFrame(rows, type).cache();

        Clock clock = Clock.fixed(Instant.parse("2026-11-29T06:00:00Z"), ZoneOffset.UTC);
        SparkXgboostTrainer.Builder settings = SparkXgboostTrainer.builder().rounds(20).weightColumn("weight").clock(clock);

        // One worker, the single-machine parameters (recorded in the bundle).
        SparkXgboostTrainer.Trained one = settings.workers(1).build().fit(data, SCHEMA);
        assertThat(one.parameters()).containsEntry("max_depth", "6").containsEntry("objective", "binary:logistic")
                .containsEntry("tree_method", "hist").containsEntry("num_boost_round", "20");
        double negative = 0;
        double positive = 0;
        for (int r = 0; r < ROWS; r++) {
            if (labels[r] == 1) {
                positive += weights[r];
            } else {
                negative += weights[r];
            }
        }
        assertThat(Double.parseDouble(one.parameters().get("scale_pos_weight"))).isCloseTo(negative / positive,
                org.assertj.core.data.Offset.offset(1e-9));
        DMatrix matrix = new DMatrix(values, ROWS, 4, Float.NaN);
        matrix.setLabel(labels);
        matrix.setWeight(weights);
        Map<String, Object> params = new HashMap<>();
        one.parameters().forEach((k, v) -> {
            if (!List.of("num_boost_round", "num_workers", "class_weighting").contains(k)) {
                params.put(k, v);
            }
        });
        Booster local = XGBoost.train(matrix, params, 20, Map.of(), null, null);
        float[][] expected = local.predict(matrix);
        Booster fromSpark = XGBoost.loadModel(one.modelJson());
        float[][] actual = fromSpark.predict(matrix);
        // xgboost4j-spark builds its matrix from a streamed row iterator, the single machine from an in-memory
        // DMatrix: the histogram cuts, hence the trees, differ a little; the decisions must not.
        assertThat(agreement(actual, expected)).isGreaterThan(ROWS * 97 / 100);
        assertThat(accuracy(actual, labels)).isGreaterThan(0.95);
        assertThat(Math.abs(accuracy(actual, labels) - accuracy(expected, labels))).isLessThan(0.02);

        // Two workers, bundle, S3 registry, SDK scorer.
        try (S3ProxyServer s3 = S3ProxyServer.start(null)) {
            s3.createBucket("models");
            ModelRegistry registry = S3ModelRegistry.builder(s3.client(), "models").prefix("registry")
                    .cacheDirectory(dir.resolve("cache")).closeClient(true).build();
            SparkXgboostTrainer trainer = settings.workers(2).build();
            ModelVersion version = trainer.trainAndRegister(data.repartition(2), SCHEMA, registry, "spark-xgb", dir);
            assertThat(version.version()).isEqualTo(1);
            ModelBundle bundle = registry.open(version);
            assertThat(bundle.format()).isEqualTo(ModelFormat.XGBOOST_JSON);
            assertThat(bundle.schema().names()).isEqualTo(SCHEMA.names());
            assertThat(bundle.manifest().hyperParameters()).containsEntry("num_workers", "2");
            assertThat(bundle.checksum()).isEqualTo(version.bundleChecksum());

            Booster two = XGBoost.loadModel(java.nio.file.Files.readAllBytes(bundle.modelFile()));
            float[][] twoScores = two.predict(matrix);
            double[] scored = new double[ROWS];
            try (Scorer scorer = Scorers.open(bundle, ScorerOptions.builder().engine("java").build())) {
                scorer.score(FeatureBatch.wrap(bundle.schema(), values, ROWS), scored);
            }
            for (int r = 0; r < ROWS; r++) {
                assertThat(scored[r]).as("row %d", r).isCloseTo(twoScores[r][0], org.assertj.core.data.Offset.offset(1e-5));
            }
            // Two workers merge their sketches: again slightly different trees, the same decisions.
            assertThat(agreement(twoScores, expected)).isGreaterThan(ROWS * 97 / 100);
            assertThat(accuracy(twoScores, labels)).isGreaterThan(0.95);
            registry.close();
        }
        local.dispose();
        fromSpark.dispose();
        matrix.dispose();
    }

    private static int agreement(float[][] a, float[][] b) {
        int agree = 0;
        for (int r = 0; r < a.length; r++) {
            agree += (a[r][0] >= 0.5) == (b[r][0] >= 0.5) ? 1 : 0;
        }
        return agree;
    }

    private static double accuracy(float[][] p, float[] labels) {
        int right = 0;
        for (int r = 0; r < p.length; r++) {
            right += (p[r][0] >= 0.5) == (labels[r] == 1) ? 1 : 0;
        }
        return right / (double) p.length;
    }

    @Test
    void invalidSettingsAndMissingColumnsAreReportedTogether() {
        assertThatThrownBy(() -> SparkXgboostTrainer.builder().rounds(0).workers(0).learningRate(2).build())
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("rounds").hasMessageContaining("workers").hasMessageContaining("learningRate");
        Dataset<Row> data = TestSpark.session().range(5).selectExpr("cast(id as float) as cpu", "0 as label");
        assertThatThrownBy(() -> SparkXgboostTrainer.builder().build().fit(data, SCHEMA))
                .isInstanceOf(InputException.class).hasMessageContaining("\"mem\"");
    }
}
