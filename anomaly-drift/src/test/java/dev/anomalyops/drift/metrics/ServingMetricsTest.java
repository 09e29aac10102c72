package dev.anomalyops.drift.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class ServingMetricsTest {
    @Test
    void windowedLatencyQuantilesAndErrorRateFollowPrometheusDefinitions() {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        Clock clock = Clock.fixed(Instant.parse("2026-11-29T10:00:00Z"), ZoneOffset.UTC);
        ServingMetrics metrics = ServingMetrics.builder(registry, "cpu", "7").variant("canary").clock(clock).build();
        for (int i = 0; i < 90; i++) {
            metrics.recordSuccess(Duration.ofMillis(20), 10, 1);
        }
        for (int i = 0; i < 10; i++) {
            metrics.recordError(Duration.ofMillis(2000));
        }
        // 100 observations: 90 in (0.01, 0.025], 10 in (1, 2.5]. Rank 95 lies halfway through the second group:
        // histogram_quantile interpolates 1 + (2.5 - 1) * 5 / 10.
        assertThat(metrics.latencyQuantile(0.95)).isCloseTo(1.75, within(1e-12));
        // Rank 45 of the first group's 90: 0.01 + 0.015 * 45 / 90.
        assertThat(metrics.latencyQuantile(0.45)).isCloseTo(0.0175, within(1e-12));
        assertThat(metrics.errorRate()).isCloseTo(0.1, within(1e-12));
        String scrape = registry.scrape();
        assertThat(scrape).contains("model_requests_total{model=\"cpu\",outcome=\"error\",variant=\"canary\",version=\"7\"} 10.0");
        assertThat(scrape).contains("model_predictions_total{model=\"cpu\",variant=\"canary\",version=\"7\"} 900.0");
        assertThat(scrape).contains("anomaly_count_total{model=\"cpu\",variant=\"canary\",version=\"7\"} 90.0");
        assertThat(scrape).contains("model_error_rate{model=\"cpu\",variant=\"canary\",version=\"7\"} 0.1");
        metrics.close();
        assertThat(registry.scrape()).doesNotContain("model_requests_total");
    }

    @Test
    void anEmptyWindowHasNoRateAndLatencyBeyondTheLastBucketIsCapped() {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        ServingMetrics metrics = ServingMetrics.builder(registry, "cpu", "7").build();
        assertThat(metrics.errorRate()).isNaN();
        assertThat(metrics.latencyQuantile(0.5)).isNaN();
        metrics.recordSuccess(Duration.ofSeconds(30), 1, 0);
        assertThat(metrics.latencyQuantile(0.99)).isEqualTo(5.0);
    }
}
