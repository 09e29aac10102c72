package dev.anomalyops.features.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.anomalyops.features.metrics.RealData.Sample;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The values follow the documented definitions: each feature of damaged real data (NAB, gap policy "fill") is
 * recomputed here the slow, obvious way (a list of steps, then two-pass statistics over the last w of them) and
 * compared. Min, max, lags and differences must match exactly; mean and std to float precision.
 */
class FeatureSemanticsTest {
    @Test
    void everyNabFeatureMatchesAStraightforwardRecomputation() throws Exception {
        FeatureSpec spec = OnlineBatchEqualityTest.nabSpec(GapPolicy.FILL);
        long interval = spec.interval().orElseThrow().toMillis();
        long maxGap = spec.maxGap().orElseThrow().toMillis();
        int checked = 0;
        long seed = 11;
        for (List<Sample> clean : RealData.nab()) {
            List<Sample> series = RealData.damage(clean, seed++);
            OnlineFeatures online = OnlineFeatures.builder(spec).clock(InstantSource.fixed(Instant.EPOCH)).build();
            float[] row = new float[spec.schema().size()];
            List<Double> steps = new ArrayList<>();
            long last = Long.MIN_VALUE;
            for (Sample s : series) {
                Outcome outcome = online.update(s.instance(), s.timestamp(), s.values(), row, 0);
                if (last != Long.MIN_VALUE && s.timestamp() <= last) {
                    assertThat(outcome).isEqualTo(s.timestamp() == last ? Outcome.DUPLICATE : Outcome.LATE);
                    continue;
                }
                assertThat(outcome).isEqualTo(Outcome.ACCEPTED);
                if (last != Long.MIN_VALUE) {
                    long gap = s.timestamp() - last;
                    if (gap > maxGap) {
                        steps.clear();
                    } else {
                        long k = Math.round((double) gap / interval);
                        for (long i = 1; i < k; i++) {
                            steps.add(Double.NaN);
                        }
                    }
                }
                last = s.timestamp();
                double v = s.values()[0];
                steps.add(Double.isFinite(v) ? v : Double.NaN);
                checkRow(spec, steps, s.timestamp(), row);
                checked++;
            }
        }
        assertThat(checked).isGreaterThan(50_000);
    }

    private static void checkRow(FeatureSpec spec, List<Double> steps, long timestamp, float[] row) {
        int t = steps.size() - 1;
        double x = steps.get(t);
        same(row[index(spec, "value")], x, "value");
        for (Window w : spec.windows()) {
            int length = spec.lengthOf(w);
            double[] window = new double[length];
            int count = 0;
            double sum = 0;
            double lo = Double.POSITIVE_INFINITY;
            double hi = Double.NEGATIVE_INFINITY;
            for (int i = Math.max(0, t - length + 1); i <= t; i++) {
                double v = steps.get(i);
                if (!Double.isNaN(v)) {
                    window[count++] = v;
                    sum += v;
                    lo = Math.min(lo, v);
                    hi = Math.max(hi, v);
                }
            }
            boolean ok = w.nan() == NanPolicy.PROPAGATE ? t + 1 >= length && count == length : count >= w.minPeriods();
            double mean = sum / count;
            double ss = 0;
            for (int i = 0; i < count; i++) {
                ss += (window[i] - mean) * (window[i] - mean);
            }
            int n = count;
            for (Stat stat : w.stats()) {
                float actual = row[index(spec, "value_" + stat.wireName() + "_" + w.label())];
                double expected;
                switch (stat) {
                    case MEAN: expected = ok ? mean : Double.NaN; break;
                    case STD: expected = ok && n >= 2 ? Math.sqrt(ss / (n - 1)) : Double.NaN; break;
                    case MIN: expected = ok && n > 0 ? lo : Double.NaN; break;
                    default: expected = ok && n > 0 ? hi : Double.NaN; break;
                }
                String what = "value_" + stat.wireName() + "_" + w.label() + " at step " + t;
                if (Double.isNaN(expected)) {
                    if (!Float.isNaN(actual)) {
                        throw new AssertionError(what + ": expected NaN but was " + actual);
                    }
                } else if (stat == Stat.MIN || stat == Stat.MAX) {
                    same(actual, expected, what);
                } else {
                    if (Math.abs(actual - expected) > 1e-5 * Math.max(1, Math.abs(expected))) {
                        assertThat((double) actual).as(what).isCloseTo(expected, within(1e-5 * Math.max(1, Math.abs(expected))));
                    }
                }
            }
        }
        for (int k : spec.lags()) {
            double back = t >= k ? steps.get(t - k) : Double.NaN;
            same(row[index(spec, "value_lag_" + k)], back, "lag " + k);
        }
        for (int k : spec.diffs()) {
            double back = t >= k ? steps.get(t - k) : Double.NaN;
            same(row[index(spec, "value_diff_" + k)], x - back, "diff " + k);
        }
        for (int k : spec.pctChanges()) {
            double back = t >= k ? steps.get(t - k) : Double.NaN;
            same(row[index(spec, "value_pct_" + k)], back == 0 ? Double.NaN : (x - back) / back, "pct " + k);
        }
        java.time.ZonedDateTime at = Instant.ofEpochMilli(timestamp).atZone(ZoneId.of("UTC"));
        assertThat(row[index(spec, "hour_of_day")]).isEqualTo(at.getHour());
        assertThat(row[index(spec, "day_of_week")]).isEqualTo(at.getDayOfWeek().getValue());
        assertThat(row[index(spec, "is_weekend")]).isEqualTo(at.getDayOfWeek().getValue() >= 6 ? 1f : 0f);
    }

    private static void same(float actual, double expected, String what) {
        if (Float.floatToIntBits(actual) != Float.floatToIntBits((float) expected)) {
            throw new AssertionError(what + ": expected " + (float) expected + " but was " + actual);
        }
    }

    private static int index(FeatureSpec spec, String name) {
        return spec.schema().requireIndex(name);
    }

    @Test
    void calendarFeaturesFollowTheSpecZoneAcrossDaylightSavingTime() {
        FeatureSpec spec = FeatureSpec.builder("tz").metrics("x").zone(ZoneId.of("Europe/Paris"))
                .time(TimeFeature.HOUR, TimeFeature.DAY_OF_WEEK, TimeFeature.WEEKEND).build();
        OnlineFeatures online = OnlineFeatures.builder(spec).build();
        // 2026-03-29 01:30 UTC is 03:30 in Paris (summer time started at 01:00 UTC), a Sunday.
        float[] row = online.update("a", Instant.parse("2026-03-29T01:30:00Z").toEpochMilli(), java.util.Map.of("x", 1));
        assertThat(row).containsExactly(3f, 7f, 1f);
        row = online.update("a", Instant.parse("2026-03-30T22:59:00Z").toEpochMilli(), java.util.Map.of("x", 1));
        assertThat(row).containsExactly(0f, 2f, 0f);
    }

    @Test
    void fillPreviousCarriesTheLastPresentValueIntoMissingSteps() {
        FeatureSpec spec = FeatureSpec.builder("fill").metric(new MetricSpec("x", FillPolicy.PREVIOUS, true)).raw(true)
                .interval(Duration.ofMinutes(1)).gap(GapPolicy.FILL).lags(1, 2)
                .window(Window.ofSamples(3, Stat.MEAN)).build();
        OnlineFeatures online = OnlineFeatures.builder(spec).build();
        online.update("a", 0, java.util.Map.of("x", 2.0));
        float[] row = online.update("a", 180_000, java.util.Map.of("x", Double.NaN)); // two missing steps, then NaN
        // steps: 2, (2), (2), (2): raw, mean_3, lag_1, lag_2
        assertThat(row).containsExactly(2f, 2f, 2f, 2f);
    }
}
