package dev.anomalyops.spark;

import static org.assertj.core.api.Assertions.assertThat;

import dev.anomalyops.features.metrics.BatchFeatures;
import dev.anomalyops.features.metrics.DuplicatePolicy;
import dev.anomalyops.features.metrics.FeatureFrame;
import dev.anomalyops.features.metrics.FeatureSpec;
import dev.anomalyops.features.metrics.FillPolicy;
import dev.anomalyops.features.metrics.GapPolicy;
import dev.anomalyops.features.metrics.MetricSpec;
import dev.anomalyops.features.metrics.NanPolicy;
import dev.anomalyops.features.metrics.OnlineFeatures;
import dev.anomalyops.features.metrics.Outcome;
import dev.anomalyops.features.metrics.Stat;
import dev.anomalyops.features.metrics.TimeFeature;
import dev.anomalyops.features.metrics.Window;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Spark execution of a FeatureSpec gives the same float32 values as the Java batch and online executions, value
 * by value, on real SMD data with gaps (filled and resetting), duplicate timestamps, NaN and infinite values.
 */
class SparkFeaturesEqualityTest {
    @TempDir
    Path dir;

    @Test
    void smdWithGapsDuplicatesAndMissingValuesEqualsTheJavaExecutions() throws Exception {
        SmdSamples samples = SmdSamples.load(List.of("machine-1-2", "machine-2-1"), 4, 3_000, 13);
        FeatureSpec.Builder b = FeatureSpec.builder("smd-spark").raw(true).interval(Duration.ofMinutes(1))
                .gap(GapPolicy.FILL).maxGap(Duration.ofMinutes(60))
                .window(Window.ofSamples(5, Stat.MEAN, Stat.STD, Stat.MIN, Stat.MAX))
                .window(Window.ofSamples(15, Stat.MEAN, Stat.STD, Stat.MIN, Stat.MAX).withNan(NanPolicy.PROPAGATE, 1))
                .window(Window.ofDuration(Duration.ofHours(1), Stat.MEAN, Stat.STD, Stat.MIN, Stat.MAX).withNan(NanPolicy.SKIP, 10))
                .lags(1, 5, 15).diffs(1).pctChanges(1)
                .time(TimeFeature.HOUR, TimeFeature.DAY_OF_WEEK, TimeFeature.WEEKEND);
        for (int m = 0; m < samples.metrics.size(); m++) {
            b.metric(new MetricSpec(samples.metrics.get(m), m % 2 == 0 ? FillPolicy.PREVIOUS : FillPolicy.NONE, true));
        }
        Comparison c = compare(b.build(), samples);
        assertThat(c.rows).isGreaterThan(4_000);
        assertThat(c.rejected).isGreaterThan(10);
        assertThat(c.values).isGreaterThan(250_000);
        assertThat(c.mismatches).as(c.differing + " of " + c.values + " values differ").isEmpty();
    }

    @Test
    void ignoreAndResetPoliciesKeptDuplicatesAndAZoneWithDaylightSavingAlsoMatch() throws Exception {
        SmdSamples samples = SmdSamples.load(List.of("machine-3-2"), 3, 2_000, 29);
        for (GapPolicy gap : List.of(GapPolicy.IGNORE, GapPolicy.RESET)) {
            FeatureSpec.Builder b = FeatureSpec.builder("smd-" + gap).metrics("m0", "m1", "m2").gap(gap)
                    .maxGap(Duration.ofMinutes(30)).duplicates(gap == GapPolicy.IGNORE ? DuplicatePolicy.KEEP : DuplicatePolicy.REJECT)
                    .window(Window.ofSamples(7, Stat.MEAN, Stat.STD).withNan(NanPolicy.SKIP, 3))
                    .window(Window.ofSamples(30, Stat.MIN, Stat.MAX, Stat.STD).forMetrics("m1"))
                    .lags(2).pctChanges(3).zone(ZoneId.of("Europe/Paris"))
                    .time(TimeFeature.HOUR, TimeFeature.DAY_OF_WEEK, TimeFeature.WEEKEND);
            Comparison c = compare(b.build(), samples);
            assertThat(c.rows).as(gap.name()).isGreaterThan(1_400);
            assertThat(c.mismatches).as(gap + ": " + c.differing + " of " + c.values + " values differ").isEmpty();
        }
    }

    private record Key(String instance, long timestamp, int occurrence) {}

    private static final class Comparison {
        long rows;
        long rejected;
        long values;
        final List<String> mismatches = new ArrayList<>();
        long differing;
    }

    private Comparison compare(FeatureSpec spec, SmdSamples samples) {
        List<String> names = spec.schema().names();
        int width = names.size();
        List<Outcome> javaRejects = new ArrayList<>();
        FeatureFrame batch = BatchFeatures.of(spec).compute(samples.frame(), (n, i, t, o) -> javaRejects.add(o));
        Map<Key, float[]> java = new HashMap<>();
        Map<String, Integer> seen = new HashMap<>();
        for (int r = 0; r < batch.rows(); r++) {
            String k = batch.instance(r) + "@" + batch.timestamp(r);
            int occurrence = seen.merge(k, 1, Integer::sum);
            java.put(new Key(batch.instance(r), batch.timestamp(r), occurrence), batch.row(r));
        }
        // The online execution, fed the same samples in time order, gives the same rows as batch.
        OnlineFeatures online = OnlineFeatures.builder(spec).build();
        float[] row = new float[width];
        Map<String, Integer> onlineSeen = new HashMap<>();
        Comparison c = new Comparison();
        for (int r = 0; r < samples.rows(); r++) {
            Outcome o = online.update(samples.instance.get(r), samples.timestamp.get(r), samples.values.get(r), row, 0);
            if (o == Outcome.ACCEPTED) {
                String k = samples.instance.get(r) + "@" + samples.timestamp.get(r);
                float[] expected = java.get(new Key(samples.instance.get(r), samples.timestamp.get(r),
                        onlineSeen.merge(k, 1, Integer::sum)));
                if (expected == null || !Arrays.equals(expected, row)) {
                    c.mismatches.add("online differs from batch at " + k);
                }
            }
        }

        SparkSession spark = TestSpark.session();
        SparkFeatures.Result result = SparkFeatures.of(spec).compute(samples.toParquet(spark, dir));
        List<Row> sparkRows = result.features().collectAsList();
        c.rejected = result.rejected().count();
        assertThat(c.rejected).isEqualTo(javaRejects.size());
        assertThat((long) sparkRows.size()).isEqualTo(batch.rows());
        assertThat(sparkRows.size() + c.rejected).isEqualTo(samples.rows());
        assertThat(List.of(result.features().columns()).subList(2, 2 + width)).isEqualTo(names);
        // Under KEEP, rows with the same key come in read order on both sides.
        sparkRows = new ArrayList<>(sparkRows);
        Map<String, Integer> sparkSeen = new HashMap<>();
        for (Row r : sparkRows) {
            String instance = r.getString(0);
            long ts = r.getLong(1);
            String k = instance + "@" + ts;
            float[] expected = java.get(new Key(instance, ts, sparkSeen.merge(k, 1, Integer::sum)));
            if (expected == null) {
                c.mismatches.add("no Java row for " + k);
                continue;
            }
            for (int f = 0; f < width; f++) {
                float actual = r.getFloat(2 + f);
                c.values++;
                // Bit for bit: the same float32, NaN where Java has NaN.
                if (Float.floatToIntBits(actual) != Float.floatToIntBits(expected[f])) {
                    c.differing++;
                    if (c.mismatches.size() < 20) {
                        c.mismatches.add(names.get(f) + " at " + k + ": spark " + actual + " java " + expected[f]);
                    }
                }
            }
            c.rows++;
        }
        return c;
    }
}
