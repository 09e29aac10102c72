package dev.anomalyops.spark.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.anomalyops.features.metrics.BatchFeatures;
import dev.anomalyops.features.metrics.FeatureFrame;
import dev.anomalyops.features.metrics.FeatureSpec;
import dev.anomalyops.features.metrics.MetricFrame;
import dev.anomalyops.features.metrics.Stat;
import dev.anomalyops.features.metrics.TimeFeature;
import dev.anomalyops.features.metrics.Window;
import dev.anomalyops.spark.SparkFeatures;
import dev.anomalyops.spark.internal.LocalSpark;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/**
 * Spark features equal the Java batch execution bit for bit on the benchmark's synthetic data (values with
 * continuous random digits, unlike SMD's few significant digits) and on data built so that every full window's exact
 * mean and standard deviation lie exactly on a float32 rounding tie: there, any two executions whose doubles differ
 * in the last bit round to different floats, which is how {@code ./bench spark} once found 1 value in ~4 million
 * differing ({@code stddev_samp}'s Welford update against the Java executions' shifted moments).
 */
class SyntheticEqualityTest {
    /** Odd window lengths: a period of L values with one centre value and (L - 1) / 2 at each side gives std = k. */
    private static final int[] TIE_LENGTHS = {5, 15, 61};

    private static FeatureSpec spec() {
        return FeatureSpec.builder("synthetic").metrics("cpu", "network_in")
                .window(Window.ofSamples(5, Stat.MEAN, Stat.STD, Stat.MIN, Stat.MAX))
                .window(Window.ofSamples(15, Stat.MEAN, Stat.STD, Stat.MIN, Stat.MAX))
                .window(Window.ofSamples(61, Stat.MEAN, Stat.STD, Stat.MIN, Stat.MAX))
                .lags(1, 5, 15).diffs(1).pctChanges(1)
                .time(TimeFeature.HOUR, TimeFeature.DAY_OF_WEEK, TimeFeature.WEEKEND).build();
    }

    /** A float32 rounding tie near {@code v}: the midpoint of two adjacent floats, exact in a double. */
    private static double tie(double v) {
        float f = (float) v;
        return ((double) f + (double) Math.nextUp(f)) / 2;
    }

    private record Sample(String instance, long ts, double cpu, double net) {}

    @Test
    void benchmarkDataAndFloat32TiesGiveTheSameBitsAsBatchFeatures() {
        List<Sample> samples = new ArrayList<>();
        // The benchmark's generator: 40 instances x 500 minutes, cpu and log-normal network_in, 0.1 % missing.
        int rows = 20_000;
        int instances = 40;
        for (int i = 0; i < instances; i++) {
            String name = ScaleOutBenchmark.name(i);
            ScaleOutBenchmark.instance(i, ScaleOutBenchmark.rowsOf(i, rows, instances), 7,
                    (ts, c, n, l) -> samples.add(new Sample(name, ts, c, n)));
        }
        // Ties: per window length L, instances whose every L-window holds (L - 1) / 2 values c - k, as many c + k and
        // one c (a period of L), so its exact mean is c and its exact std k, both float32 ties.
        Map<String, double[]> ties = new HashMap<>();
        for (int l : TIE_LENGTHS) {
            for (int i = 0; i < 4; i++) {
                String name = "tie-" + l + "-" + i;
                double c = tie(200 + 37.3 * i + l);
                double k = tie(0.6 + 0.23 * i);
                ties.put(name, new double[] {l, c, k});
                for (int s = 0; s < 300; s++) {
                    int j = s % l;
                    double sign = j == l - 1 ? 0 : (j % 2 == 0 ? -1 : 1);
                    double x = c + sign * k;
                    samples.add(new Sample(name, ScaleOutBenchmark.START + s * 60_000L, x, x * 1024));
                }
            }
        }
        FeatureSpec spec = spec();
        List<String> names = spec.schema().names();
        int width = names.size();

        MetricFrame frame = new MetricFrame(List.of("cpu", "network_in"), samples.size());
        for (Sample s : samples) {
            frame.add(s.instance(), s.ts(), s.cpu(), s.net());
        }
        FeatureFrame batch = BatchFeatures.of(spec).compute(frame, (n, i, t, o) -> { });
        Map<String, float[]> java = new HashMap<>();
        for (int r = 0; r < batch.rows(); r++) {
            java.put(batch.instance(r) + "@" + batch.timestamp(r), batch.row(r));
        }

        SparkSession spark = LocalSpark.session(2, 4);
        StructType type = new StructType(new StructField[] {
            DataTypes.createStructField("instance", DataTypes.StringType, false),
            DataTypes.createStructField("timestamp", DataTypes.LongType, false),
            DataTypes.createStructField("cpu", DataTypes.DoubleType, true),
            DataTypes.createStructField("network_in", DataTypes.DoubleType, true)});
        List<Row> input = new ArrayList<>();
        for (Sample s : samples) {
            input.add(RowFactory.create(s.instance(), s.ts(), s.cpu(), s.net()));
        }
        Dataset<Row> df = spark.createDataFrame(input, type).repartition(4);
        SparkFeatures.Result result = SparkFeatures.of(spec).compute(df);
        List<Row> sparkRows = result.features().collectAsList();
        assertThat(result.rejected().count()).isZero();
        assertThat(sparkRows).hasSize(samples.size());
        assertThat(batch.rows()).isEqualTo(samples.size());

        List<String> mismatches = new ArrayList<>();
        long differing = 0;
        long values = 0;
        long tieStds = 0;
        for (Row r : sparkRows) {
            String instance = r.getString(0);
            long ts = r.getLong(1);
            float[] expected = java.get(instance + "@" + ts);
            assertThat(expected).as("Java row for %s@%d", instance, ts).isNotNull();
            for (int f = 0; f < width; f++) {
                values++;
                float actual = r.getFloat(2 + f);
                if (Float.floatToIntBits(actual) != Float.floatToIntBits(expected[f])) {
                    differing++;
                    if (mismatches.size() < 20) {
                        mismatches.add(names.get(f) + " at " + instance + "@" + ts + ": spark " + actual + " java " + expected[f]);
                    }
                }
            }
            double[] tie = ties.get(instance);
            int step = (int) ((ts - ScaleOutBenchmark.START) / 60_000L);
            if (tie != null && step >= tie[0] - 1) {
                // Both sides agree; the value must also be right: within one float32 step of the exact tie.
                int l = (int) tie[0];
                float std = r.getFloat(2 + names.indexOf("cpu_std_" + l));
                float mean = r.getFloat(2 + names.indexOf("cpu_mean_" + l));
                assertThat((double) std).as("std of %s at step %d", instance, step)
                        .isCloseTo(tie[2], org.assertj.core.data.Offset.offset((double) Math.ulp((float) tie[2])));
                assertThat((double) mean).as("mean of %s at step %d", instance, step)
                        .isCloseTo(tie[1], org.assertj.core.data.Offset.offset((double) Math.ulp((float) tie[1])));
                tieStds++;
            }
        }
        assertThat(tieStds).isGreaterThan(3_000);
        assertThat(values).isGreaterThan(800_000);
        assertThat(mismatches).as(differing + " of " + values + " values differ").isEmpty();
    }
}
