package dev.anomalyops.drift;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class FeedbackTrackerTest {
    @Test
    void measuresFollowTheConfusionMatrixOverTheWindow() {
        MutableClock clock = new MutableClock(Instant.parse("2026-11-29T10:00:00Z"));
        FeedbackTracker tracker = FeedbackTracker.builder("cpu", "7").threshold(0.6).window(Duration.ofMinutes(30))
                .panes(30).minimumLabels(10).clock(clock).build();
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        tracker.bindTo(registry);
        assertThat(tracker.accuracy()).isNaN();
        // 8 true positives, 2 false positives (scored 0.7, normal), 85 true negatives, 5 false negatives (0.59 < 0.6).
        for (int i = 0; i < 8; i++) {
            tracker.record(0.9, true);
        }
        for (int i = 0; i < 2; i++) {
            tracker.record(0.7, false);
        }
        for (int i = 0; i < 85; i++) {
            tracker.record(0.1, false);
        }
        for (int i = 0; i < 5; i++) {
            tracker.record(0.59, true);
        }
        ConfusionMatrix m = tracker.snapshot();
        assertThat(m).isEqualTo(new ConfusionMatrix(8, 2, 85, 5));
        assertThat(tracker.accuracy()).isCloseTo(0.93, within(1e-12));
        String scrape = registry.scrape();
        assertThat(DriftMonitorTest.value(scrape, "model_precision", "model=\"cpu\",version=\"7\"")).isCloseTo(0.8, within(1e-12));
        assertThat(DriftMonitorTest.value(scrape, "model_recall", "model=\"cpu\",version=\"7\"")).isCloseTo(8.0 / 13, within(1e-12));
        assertThat(DriftMonitorTest.value(scrape, "model_f1_score", "model=\"cpu\",version=\"7\"")).isCloseTo(16.0 / 23, within(1e-12));
        assertThat(DriftMonitorTest.value(scrape, "false_positive_rate", "model=\"cpu\",version=\"7\"")).isCloseTo(2.0 / 87, within(1e-12));
        assertThat(DriftMonitorTest.value(scrape, "model_feedback_total", "model=\"cpu\",outcome=\"false_negative\",version=\"7\"")).isEqualTo(5.0);
        clock.advance(Duration.ofMinutes(31));
        assertThat(tracker.snapshot().total()).isZero();
        assertThat(tracker.accuracy()).isNaN();
    }
}
