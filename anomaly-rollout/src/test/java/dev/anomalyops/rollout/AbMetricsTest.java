package dev.anomalyops.rollout;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class AbMetricsTest {
    @Test
    void publishesSplitAccuracyPValuesRequestsAndLatency() {
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        TrafficRouter router = TrafficRouter.of(TrafficSplit.of("champion", 70, "challenger", "s"));
        AbTest test = new AbTest("champion", "challenger", AbTest.Policy.defaults());
        AbMetrics metrics = new AbMetrics(meters, router, test, "champion", "challenger");
        for (int i = 0; i < 10; i++) {
            test.record("champion", i < 9);
            test.record("challenger", i < 7);
        }
        metrics.recordRequest("champion", Duration.ofMillis(3), false);
        metrics.recordRequest("champion", Duration.ofMillis(4), true);
        assertThat(meters.get("ab_traffic_split_ratio").tag("variant", "champion").gauge().value()).isEqualTo(0.7);
        assertThat(meters.get("model_accuracy").tag("variant", "champion").gauge().value()).isEqualTo(0.9);
        assertThat(meters.get("model_accuracy").tag("variant", "challenger").gauge().value()).isEqualTo(0.7);
        assertThat(meters.get("p_value").tag("kind", "fixed_horizon").gauge().value()).isBetween(0.0, 1.0);
        assertThat(meters.get("ab_requests_total").tag("outcome", "error").counter().count()).isEqualTo(1.0);
        assertThat(meters.get("model_latency_seconds").tag("variant", "champion").timer().count()).isEqualTo(2);
        router.update(TrafficSplit.of("champion", 50, "challenger", "s"));
        assertThat(meters.get("ab_traffic_split_ratio").tag("variant", "challenger").gauge().value()).isEqualTo(0.5);
    }
}
