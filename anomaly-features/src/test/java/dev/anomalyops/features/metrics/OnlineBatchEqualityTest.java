package dev.anomalyops.features.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.anomalyops.features.metrics.RealData.Sample;
import java.io.BufferedWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The online and batch executions give bit-for-bit identical rows, and reject the same samples, on real data
 * (NAB realAWSCloudwatch and SMD) damaged with gaps, duplicate timestamps, out-of-order rows and missing values.
 * Online sees the instances interleaved by time, as a service would; batch sees them grouped by instance (from
 * memory and from a CSV file).
 */
class OnlineBatchEqualityTest {
    @TempDir
    Path dir;

    static FeatureSpec nabSpec(GapPolicy gap) {
        FeatureSpec.Builder b = FeatureSpec.builder("nab-test").metrics("value").raw(true)
                .interval(Duration.ofMinutes(5)).gap(gap)
                .window(Window.ofSamples(5, Stat.MEAN, Stat.STD, Stat.MIN, Stat.MAX))
                .window(Window.ofSamples(15, Stat.MEAN, Stat.STD, Stat.MIN, Stat.MAX))
                .window(Window.ofSamples(60, Stat.MEAN, Stat.STD).withNan(NanPolicy.PROPAGATE, 1))
                .window(Window.ofSamples(12, Stat.MEAN, Stat.MAX).withNan(NanPolicy.SKIP, 6))
                .lags(1, 5, 15).diffs(1).pctChanges(1, 12)
                .time(TimeFeature.HOUR, TimeFeature.DAY_OF_WEEK, TimeFeature.WEEKEND);
        if (gap == GapPolicy.FILL) {
            b.window(Window.ofDuration(Duration.ofHours(1), Stat.MEAN, Stat.MIN)).maxGap(Duration.ofHours(6));
        }
        if (gap == GapPolicy.RESET) {
            b.maxGap(Duration.ofMinutes(30));
        }
        return b.build();
    }

    @Test
    void nabWithGapsDuplicatesAndLateRowsIsIdenticalOnlineAndBatchUnderEveryGapPolicy() throws Exception {
        List<List<Sample>> damaged = new ArrayList<>();
        long seed = 1;
        for (List<Sample> series : RealData.nab()) {
            damaged.add(RealData.damage(series, seed++));
        }
        for (GapPolicy gap : GapPolicy.values()) {
            Comparison c = compare(nabSpec(gap), damaged);
            assertThat(c.rows).as(gap.name()).isGreaterThan(50_000);
            assertThat(c.duplicates).as("duplicates rejected under " + gap).isGreaterThan(100);
            assertThat(c.late).as("late rows rejected under " + gap).isGreaterThan(50);
        }
    }

    @Test
    void smdThirtyEightMetricsIsIdenticalOnlineAndBatch() throws Exception {
        List<String> metrics = IntStream.range(0, 38).mapToObj(i -> "m" + i).toList();
        FeatureSpec.Builder b = FeatureSpec.builder("smd-test").interval(Duration.ofMinutes(1)).gap(GapPolicy.FILL)
                .window(Window.ofSamples(5, Stat.MEAN, Stat.STD, Stat.MIN, Stat.MAX))
                .window(Window.ofSamples(15, Stat.MEAN, Stat.STD, Stat.MIN, Stat.MAX))
                .window(Window.ofDuration(Duration.ofHours(1), Stat.MEAN, Stat.STD, Stat.MIN, Stat.MAX))
                .lags(1, 5, 15).diffs(1).pctChanges(1)
                .time(TimeFeature.HOUR, TimeFeature.DAY_OF_WEEK, TimeFeature.WEEKEND);
        for (int m = 0; m < metrics.size(); m++) {
            b.metric(new MetricSpec(metrics.get(m), m % 2 == 0 ? FillPolicy.PREVIOUS : FillPolicy.NONE, true));
        }
        FeatureSpec spec = b.build();
        List<List<Sample>> damaged = new ArrayList<>();
        long seed = 100;
        for (String machine : List.of("machine-1-2", "machine-2-1", "machine-3-2")) {
            damaged.add(RealData.damage(RealData.smd(machine, 38), seed++));
        }
        Comparison c = compare(spec, damaged);
        assertThat(c.rows).isGreaterThan(55_000);
        assertThat(c.duplicates + c.late).isGreaterThan(100);
    }

    @Test
    void batchFromCsvFileEqualsOnline() throws Exception {
        FeatureSpec spec = nabSpec(GapPolicy.FILL);
        List<List<Sample>> damaged = new ArrayList<>();
        long seed = 7;
        for (List<Sample> series : RealData.nab()) {
            damaged.add(RealData.damage(series, seed++));
        }
        Path csv = dir.resolve("nab.csv");
        try (BufferedWriter w = Files.newBufferedWriter(csv)) {
            w.write("timestamp,instance,value,ignored\n");
            for (List<Sample> series : damaged) {
                for (Sample s : series) {
                    double v = s.values()[0];
                    w.write(Instant.ofEpochMilli(s.timestamp()).toString().replace('T', ' ').replace("Z", "") + ","
                            + s.instance() + "," + (Double.isNaN(v) ? "" : Double.toString(v)) + ",x\n");
                }
            }
        }
        Map<String, List<float[]>> online = online(spec, RealData.interleave(damaged));
        Map<String, Integer> seen = new HashMap<>();
        List<String> mismatches = new ArrayList<>();
        BatchFeatures.Result result;
        try (CsvMetrics source = CsvMetrics.open(csv, spec)) {
            result = BatchFeatures.of(spec).run(source, (instance, ts, row, off) -> {
                int i = seen.merge(instance, 1, Integer::sum) - 1;
                if (!bitsEqual(online.get(instance).get(i), row, off)) {
                    mismatches.add(instance + "#" + i);
                }
            }, (n, i, t, o) -> {});
        }
        assertThat(mismatches).isEmpty();
        assertThat(result.rowsOut()).isEqualTo(online.values().stream().mapToLong(List::size).sum());
        assertThat(result.rowsIn()).isEqualTo(result.rowsOut() + result.duplicates() + result.late());
    }

    private record Comparison(long rows, long duplicates, long late) {}

    private static Comparison compare(FeatureSpec spec, List<List<Sample>> instances) {
        List<Sample> stream = RealData.interleave(instances);
        Map<String, List<float[]>> online = new HashMap<>();
        Map<String, List<String>> onlineRejects = new HashMap<>();
        OnlineFeatures o = OnlineFeatures.builder(spec).clock(InstantSource.fixed(Instant.EPOCH)).build();
        float[] row = new float[spec.schema().size()];
        for (Sample s : stream) {
            Outcome outcome = o.update(s.instance(), s.timestamp(), s.values(), row, 0);
            if (outcome == Outcome.ACCEPTED) {
                online.computeIfAbsent(s.instance(), k -> new ArrayList<>()).add(row.clone());
            } else {
                onlineRejects.computeIfAbsent(s.instance(), k -> new ArrayList<>()).add(s.timestamp() + ":" + outcome);
            }
        }
        MetricFrame frame = RealData.frame(spec.metricNames(), instances);
        Map<String, List<String>> batchRejects = new HashMap<>();
        FeatureFrame batch = BatchFeatures.of(spec).compute(frame, (n, i, t, out) ->
                batchRejects.computeIfAbsent(i, k -> new ArrayList<>()).add(t + ":" + out));
        assertThat(batchRejects).isEqualTo(onlineRejects);
        Map<String, Integer> seen = new HashMap<>();
        long compared = 0;
        for (int r = 0; r < batch.rows(); r++) {
            String instance = batch.instance(r);
            int i = seen.merge(instance, 1, Integer::sum) - 1;
            float[] expected = online.get(instance).get(i);
            if (!bitsEqual(expected, batchRow(batch, r, row), 0)) {
                float[] actual = batch.row(r);
                int f = 0;
                while (Float.floatToRawIntBits(expected[f]) == Float.floatToRawIntBits(actual[f])) {
                    f++;
                }
                throw new AssertionError("Row " + i + " of \"" + instance + "\" differs at feature \""
                        + spec.schema().feature(f).name() + "\": online " + expected[f] + ", batch " + actual[f]);
            }
            compared++;
        }
        assertThat(compared).isEqualTo(online.values().stream().mapToLong(List::size).sum());
        long duplicates = batchRejects.values().stream().flatMap(List::stream).filter(s -> s.endsWith("DUPLICATE")).count();
        long late = batchRejects.values().stream().flatMap(List::stream).filter(s -> s.endsWith("LATE")).count();
        return new Comparison(compared, duplicates, late);
    }

    static Map<String, List<float[]>> online(FeatureSpec spec, List<Sample> stream) {
        OnlineFeatures online = OnlineFeatures.builder(spec).clock(InstantSource.fixed(Instant.EPOCH)).build();
        Map<String, List<float[]>> rows = new HashMap<>();
        float[] row = new float[spec.schema().size()];
        for (Sample s : stream) {
            if (online.update(s.instance(), s.timestamp(), s.values(), row, 0) == Outcome.ACCEPTED) {
                rows.computeIfAbsent(s.instance(), k -> new ArrayList<>()).add(row.clone());
            }
        }
        return rows;
    }

    private static float[] batchRow(FeatureFrame batch, int r, float[] buffer) {
        for (int f = 0; f < buffer.length; f++) {
            buffer[f] = batch.value(r, f);
        }
        return buffer;
    }

    static boolean bitsEqual(float[] expected, float[] actual, int offset) {
        for (int f = 0; f < expected.length; f++) {
            if (Float.floatToRawIntBits(expected[f]) != Float.floatToRawIntBits(actual[offset + f])) {
                return false;
            }
        }
        return true;
    }
}
