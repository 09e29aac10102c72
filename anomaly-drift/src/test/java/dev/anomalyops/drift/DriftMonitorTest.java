package dev.anomalyops.drift;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.anomalyops.core.ConfigurationException;
import dev.anomalyops.core.FeatureSchema;
import dev.anomalyops.core.SchemaMismatchException;
import dev.anomalyops.core.model.ModelFormat;
import dev.anomalyops.core.scoring.FeatureBatch;
import dev.anomalyops.core.scoring.ModelInfo;
import dev.anomalyops.core.scoring.Scorer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class DriftMonitorTest {
    static final FeatureSchema SCHEMA = TestData.schema(5);
    static final FeatureBatch TRAINING = TestData.synthetic(SCHEMA, 20_000, 0, 11);
    static final ReferenceProfile PROFILE = ReferenceProfile.learn(TRAINING, TestData.probabilities(TRAINING),
            ProfileOptions.defaults());

    final MutableClock clock = new MutableClock(Instant.parse("2026-11-29T10:00:00Z"));

    DriftMonitor monitor() {
        return DriftMonitor.builder(PROFILE, "cpu", "7").window(Duration.ofMinutes(10)).panes(10).minimumRows(500)
                .clock(clock).refreshInterval(Duration.ZERO).build();
    }

    @Test
    void theWindowMatchesTheBatchCalculatorAndForgetsOldRows() {
        DriftMonitor monitor = monitor();
        FeatureBatch drifted = TestData.synthetic(SCHEMA, 5000, 1.0, 12);
        double[] p = TestData.probabilities(drifted);
        for (int start = 0; start < 5000; start += 250) {
            // Slices of one batch, as a server scoring requests of 250 rows would record them.
            monitor.record(drifted.values(), start * 5, 250, p, start);
        }
        DriftReport expected = DriftCalculator.builder(PROFILE).minimumRows(500).build().compare(drifted, p);
        DriftReport actual = monitor.snapshot();
        assertThat(actual.rows()).isEqualTo(5000);
        for (int f = 0; f < 5; f++) {
            assertThat(actual.features().get(f).psi()).isEqualTo(expected.features().get(f).psi()).isGreaterThan(0.3);
        }
        assertThat(actual.anomalyRate()).isEqualTo(expected.anomalyRate());

        // Six minutes later the drifted rows are still inside the 10-minute window; add reference-like rows.
        clock.advance(Duration.ofMinutes(6));
        FeatureBatch normal = TestData.synthetic(SCHEMA, 5000, 0, 13);
        monitor.record(normal, TestData.probabilities(normal));
        assertThat(monitor.snapshot().rows()).isEqualTo(10_000);
        // After the window has passed the drifted pane, only the normal rows remain and PSI falls.
        clock.advance(Duration.ofMinutes(5));
        DriftReport later = monitor.snapshot();
        assertThat(later.rows()).isEqualTo(5000);
        assertThat(later.maxFeaturePsi()).isLessThan(0.05);
        assertThat(later.windowEnd()).isEqualTo(Instant.parse("2026-11-29T10:12:00Z"));
        assertThat(later.windowStart()).isEqualTo(Instant.parse("2026-11-29T10:02:00Z"));
        clock.advance(Duration.ofMinutes(10));
        DriftReport empty = monitor.snapshot();
        assertThat(empty.rows()).isZero();
        assertThat(empty.maxFeaturePsi()).isNaN();
        assertThat(empty.anomalyRate()).isNaN();
    }

    @Test
    void tooFewRowsGiveNaNInsteadOfNoisyStatistics() {
        DriftMonitor monitor = monitor();
        FeatureBatch few = TestData.synthetic(SCHEMA, 100, 1.0, 14);
        monitor.record(few, null);
        DriftReport report = monitor.snapshot();
        assertThat(report.features().get(0).psi()).isNaN();
        assertThat(report.features().get(0).missingRate()).isZero();
        assertThat(report.prediction().orElseThrow().missing()).isEqualTo(100);
    }

    @Test
    void concurrentWritersLoseNoRows() throws Exception {
        DriftMonitor monitor = monitor();
        FeatureBatch rows = TestData.synthetic(SCHEMA, 1000, 0.5, 15);
        double[] p = TestData.probabilities(rows);
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                futures.add(pool.submit(() -> {
                    float[] row = new float[5];
                    for (int i = 0; i < 1000; i++) {
                        System.arraycopy(rows.values(), i * 5, row, 0, 5);
                        monitor.record(row, p[i]);
                        if (i % 100 == 0) {
                            monitor.snapshot(); // readers interleave with writers
                        }
                    }
                }));
            }
            for (Future<?> f : futures) {
                f.get();
            }
        } finally {
            pool.shutdown();
        }
        DriftReport report = monitor.snapshot();
        assertThat(report.rows()).isEqualTo(8000);
        DriftReport once = DriftCalculator.builder(PROFILE).build().compare(rows, p);
        assertThat(report.anomalies()).isEqualTo(8 * once.anomalies());
        for (int f = 0; f < 5; f++) {
            assertThat(report.features().get(f).productionShares()).containsExactly(once.features().get(f).productionShares());
        }
    }

    @Test
    void gaugesAppearOnTheScrapeWithTheOperatorsNames() {
        DriftMonitor monitor = monitor();
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        monitor.bindTo(registry);
        FeatureBatch drifted = TestData.synthetic(SCHEMA, 2000, 1.0, 16);
        monitor.record(drifted, TestData.probabilities(drifted));
        DriftReport report = monitor.snapshot();
        String scrape = registry.scrape();

        assertThat(value(scrape, "psi_score", "feature=\"m0\",model=\"cpu\",version=\"7\""))
                .isCloseTo(report.features().get(0).psi(), within(1e-9));
        assertThat(value(scrape, "kl_divergence", "feature=\"m1\",model=\"cpu\",version=\"7\""))
                .isCloseTo(report.features().get(1).klDivergence(), within(1e-9));
        assertThat(value(scrape, "missing_value_rate", "feature=\"m4\",model=\"cpu\",version=\"7\""))
                .isCloseTo(report.features().get(4).missingRate(), within(1e-12)).isGreaterThan(0.0);
        assertThat(value(scrape, "outlier_percentage", "feature=\"m1\",model=\"cpu\",version=\"7\""))
                .isCloseTo(report.features().get(1).outlierPercentage(), within(1e-9));
        assertThat(value(scrape, "psi_score", "feature=\"__prediction__\",model=\"cpu\",version=\"7\""))
                .isCloseTo(report.prediction().orElseThrow().psi(), within(1e-9));
        assertThat(value(scrape, "anomaly_rate", "model=\"cpu\",version=\"7\"")).isCloseTo(report.anomalyRate(), within(1e-12));
        assertThat(value(scrape, "drift_window_rows", "model=\"cpu\",version=\"7\"")).isEqualTo(2000.0);
        assertThat(value(scrape, "input_feature_distribution",
                "bin=\"03\",feature=\"m0\",model=\"cpu\",source=\"reference\",version=\"7\""))
                .isCloseTo(PROFILE.features().get(0).frequency(3), within(1e-12));
        assertThat(value(scrape, "prediction_distribution", "bin=\"00\",model=\"cpu\",source=\"production\",version=\"7\""))
                .isCloseTo(report.prediction().orElseThrow().productionShare(0), within(1e-12));
        assertThat(scrape).contains("# HELP psi_score Population stability index");

        monitor.close();
        assertThat(registry.scrape()).doesNotContain("psi_score");
    }

    @Test
    void aMonitoredScorerFeedsTheMonitorWithWhatItScores() {
        DriftMonitor monitor = monitor();
        Scorer plain = new Scorer() {
            @Override
            public ModelInfo model() {
                return new ModelInfo("cpu", "7", ModelFormat.XGBOOST_JSON, SCHEMA, 0.5, "test");
            }

            @Override
            public void score(FeatureBatch batch, double[] out) {
                double[] p = TestData.probabilities(batch);
                System.arraycopy(p, 0, out, 0, batch.rows());
            }
        };
        Scorer scorer = monitor.monitor(plain);
        FeatureBatch batch = TestData.synthetic(SCHEMA, 3000, 1.0, 17);
        double[] out = new double[3000];
        scorer.score(batch, out);
        assertThat(scorer.model()).isEqualTo(plain.model());
        DriftReport expected = DriftCalculator.builder(PROFILE).minimumRows(500).build().compare(batch, out);
        DriftReport actual = monitor.snapshot();
        assertThat(actual.rows()).isEqualTo(3000);
        assertThat(actual.anomalies()).isEqualTo(expected.anomalies());
        assertThat(actual.features().get(2).psi()).isEqualTo(expected.features().get(2).psi());
        assertThatThrownBy(() -> monitor.monitor(new Scorer() {
            @Override
            public ModelInfo model() {
                return new ModelInfo("other", "1", ModelFormat.XGBOOST_JSON, TestData.schema(2), 0.5, "test");
            }

            @Override
            public void score(FeatureBatch batch, double[] out) {}
        })).isInstanceOf(SchemaMismatchException.class);
    }

    @Test
    void wrongRowsAndBadSettingsAreRejectedClearly() {
        DriftMonitor monitor = monitor();
        assertThatThrownBy(() -> monitor.record(TestData.synthetic(TestData.schema(6), 10, 0, 1), null))
                .isInstanceOf(SchemaMismatchException.class).hasMessageContaining("5 features");
        assertThatThrownBy(() -> monitor.record(new float[3], 0.5)).hasMessageContaining("Row has 3 values");
        assertThatThrownBy(() -> DriftMonitor.builder(PROFILE, " ", "1").window(Duration.ofMillis(7)).panes(10).epsilon(2)
                .build())
                .isInstanceOfSatisfying(ConfigurationException.class, e -> assertThat(e.violations()).hasSize(3));
    }

    static double value(String scrape, String name, String labels) {
        Matcher m = Pattern.compile("(?m)^" + name + "\\{" + Pattern.quote(labels) + "\\} (\\S+)$").matcher(scrape);
        assertThat(m.find()).as(name + "{" + labels + "} in\n" + scrape.lines().filter(l -> l.startsWith(name)).limit(5).toList()).isTrue();
        return Double.parseDouble(m.group(1));
    }
}
