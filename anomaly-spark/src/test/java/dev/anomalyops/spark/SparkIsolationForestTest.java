package dev.anomalyops.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.anomalyops.core.FeatureSchema;
import dev.anomalyops.core.InputException;
import dev.anomalyops.core.scoring.FeatureBatch;
import dev.anomalyops.train.RowSource;
import dev.anomalyops.train.detect.IsolationForest;
import dev.anomalyops.train.detect.IsolationForestModel;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Distributed Isolation Forest scoring gives exactly the single-machine scores, on real SMD rows. */
class SparkIsolationForestTest {
    @TempDir
    Path dir;

    @Test
    void broadcastForestScoresPartitionsExactlyAsOneMachine() throws Exception {
        SmdSamples samples = SmdSamples.load(List.of("machine-1-2"), 8, 6_000, 5);
        FeatureSchema schema = FeatureSchema.of(samples.metrics.toArray(String[]::new));
        int rows = samples.rows();
        float[] values = new float[rows * schema.size()];
        for (int r = 0; r < rows; r++) {
            double[] v = samples.values.get(r);
            for (int f = 0; f < v.length; f++) {
                values[r * schema.size() + f] = (float) v[f];
            }
        }
        IsolationForestModel model = IsolationForest.builder().trees(60).seed(3).contamination(0.02).build()
                .fit(RowSource.of(schema, values, rows));
        double[] expected = new double[rows];
        model.score(FeatureBatch.wrap(schema, values, rows), expected);

        SparkSession spark = TestSpark.session();
        Dataset<Row> data = samples.toParquet(spark, dir).withColumn("row",
                org.apache.spark.sql.functions.monotonically_increasing_id()).repartition(3);
        Dataset<Row> scored = SparkIsolationForest.of(model).score(data);
        assertThat(scored.rdd().getNumPartitions()).isEqualTo(3);
        List<Row> out = scored.select("row", SparkIsolationForest.SCORE_COLUMN, SparkIsolationForest.FLAG_COLUMN)
                .collectAsList();
        assertThat(out).hasSize(rows);
        int flagged = 0;
        for (Row r : out) {
            int i = (int) r.getLong(0); // one input partition: ids are 0..rows-1 in file order
            assertThat(r.getDouble(1)).as("row %d", i).isEqualTo(expected[i]);
            assertThat(r.getBoolean(2)).isEqualTo(expected[i] >= model.threshold());
            flagged += r.getBoolean(2) ? 1 : 0;
        }
        assertThat(flagged).isBetween(rows / 200, rows / 10);
    }

    @Test
    void missingFeatureColumnIsAClearError() throws Exception {
        FeatureSchema schema = FeatureSchema.of("a", "b");
        float[] values = new float[400];
        for (int i = 0; i < values.length; i++) {
            values[i] = (i * 7919 % 101) / 10f;
        }
        IsolationForestModel model = IsolationForest.builder().trees(10).seed(1).build().fit(RowSource.of(schema, values, 200));
        Dataset<Row> onlyA = TestSpark.session().range(10).selectExpr("cast(id as double) as a");
        assertThatThrownBy(() -> SparkIsolationForest.of(model).score(onlyA))
                .isInstanceOf(InputException.class).hasMessageContaining("\"b\"");
    }
}
