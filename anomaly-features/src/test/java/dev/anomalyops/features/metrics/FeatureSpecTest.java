package dev.anomalyops.features.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.anomalyops.core.ConfigurationException;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Spec building, derived names, the schema, and the YAML/JSON form. */
class FeatureSpecTest {
    static FeatureSpec bench37() {
        return FeatureSpec.builder("ec2-37").metrics("cpu", "network_in")
                .window(Window.ofSamples(5, Stat.MEAN, Stat.STD, Stat.MIN, Stat.MAX))
                .window(Window.ofSamples(15, Stat.MEAN, Stat.STD, Stat.MIN, Stat.MAX))
                .window(Window.ofSamples(60, Stat.MEAN, Stat.STD, Stat.MIN, Stat.MAX))
                .lags(1, 5, 15).diffs(1).pctChanges(1)
                .time(TimeFeature.HOUR, TimeFeature.DAY_OF_WEEK, TimeFeature.WEEKEND).build();
    }

    @Test
    void namesAreDerivedFromTheSpecInAStableOrder() {
        FeatureSpec spec = bench37();
        assertThat(spec.schema().size()).isEqualTo(37);
        assertThat(spec.schema().names()).startsWith("cpu_mean_5", "cpu_std_5", "cpu_min_5", "cpu_max_5", "cpu_mean_15")
                .contains("cpu_lag_1", "cpu_lag_5", "cpu_lag_15", "cpu_diff_1", "cpu_pct_1", "network_in_max_60")
                .endsWith("hour_of_day", "day_of_week", "is_weekend");
        assertThat(bench37().schema().fingerprint()).isEqualTo(spec.schema().fingerprint());
    }

    @Test
    void yamlAndJsonRoundTripToAnEqualSpec() {
        FeatureSpec spec = FeatureSpec.builder("rt").metric(new MetricSpec("cpu", FillPolicy.PREVIOUS, true))
                .metric(new MetricSpec("disk", FillPolicy.NONE, false)).raw(true)
                .interval(Duration.ofMinutes(5)).gap(GapPolicy.FILL).maxGap(Duration.ofHours(2))
                .duplicates(DuplicatePolicy.KEEP).zone(java.time.ZoneId.of("Europe/Paris"))
                .window(Window.ofDuration(Duration.ofHours(1), Stat.MAX, Stat.MEAN).withNan(NanPolicy.PROPAGATE, 1))
                .window(Window.ofSamples(3, Stat.STD).forMetrics("cpu").withNan(NanPolicy.SKIP, 2))
                .lags(1).diffs(2).pctChanges(3).time(TimeFeature.WEEKEND).build();
        assertThat(FeatureSpec.fromYaml(spec.toYaml())).isEqualTo(spec);
        assertThat(FeatureSpec.fromJson(spec.toJson())).isEqualTo(spec);
        assertThat(FeatureSpec.fromYaml(spec.toYaml()).schema()).isEqualTo(spec.schema());
        assertThat(spec.schema().names()).contains("cpu_max_1h", "cpu_std_3", "disk_mean_1h").doesNotContain("disk_std_3");
    }

    @Test
    void handWrittenYamlUsesShorthands() {
        FeatureSpec spec = FeatureSpec.fromYaml("""
                name: ec2
                interval: 5m
                gap: fill
                metrics: [cpu, {name: network_in, fill: previous}]
                windows:
                  - {size: 15m, stats: [mean, std]}
                  - {size: 12, stats: [max], nan: propagate}
                lags: [1, 12]
                time: [hour, is_weekend]
                """);
        assertThat(spec.schema().names()).containsExactly("cpu_mean_15m", "cpu_std_15m", "cpu_max_12", "cpu_lag_1",
                "cpu_lag_12", "network_in_mean_15m", "network_in_std_15m", "network_in_max_12", "network_in_lag_1",
                "network_in_lag_12", "hour_of_day", "is_weekend");
        assertThat(spec.lengthOf(spec.windows().get(0))).isEqualTo(3);
    }

    @Test
    void everyProblemIsReportedAtOnce() {
        assertThatThrownBy(() -> FeatureSpec.fromYaml("""
                name: bad
                gap: fill
                colour: blue
                metrics: [cpu, cpu]
                windows:
                  - {size: 1, stats: [std, median]}
                  - {size: 7m, stats: [mean]}
                lags: [0]
                """))
                .isInstanceOf(ConfigurationException.class)
                .satisfies(e -> assertThat(((ConfigurationException) e).violations()).anySatisfy(v -> assertThat(v).contains("\"colour\""))
                        .anySatisfy(v -> assertThat(v).contains("Statistic \"median\" is unknown"))
                        .anySatisfy(v -> assertThat(v).contains("Metric \"cpu\" is listed twice"))
                        .anySatisfy(v -> assertThat(v).contains("Gap policy \"fill\" needs an interval"))
                        .anySatisfy(v -> assertThat(v).contains("Lag 0 must be 1 to")));
    }

    @Test
    void windowsGivenAsDurationsMustBeWholeIntervals() {
        assertThatThrownBy(() -> FeatureSpec.builder("d").metrics("x").interval(Duration.ofMinutes(5)).gap(GapPolicy.FILL)
                .window(Window.ofDuration(Duration.ofMinutes(7), Stat.MEAN)).build())
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("not a whole number of intervals");
    }

    @Test
    void clashingNamesAreRejected() {
        assertThatThrownBy(() -> FeatureSpec.builder("c").metrics("x", "x_lag_1").raw(true).lags(1).build())
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("\"x_lag_1\" is produced twice");
    }
}
