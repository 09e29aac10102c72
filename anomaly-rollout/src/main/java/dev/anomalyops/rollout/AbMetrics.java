package dev.anomalyops.rollout;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Publishes an A/B test's state with the metric names our dashboards and alerts use:
 * {@code ab_traffic_split_ratio{variant}}, {@code model_accuracy{variant}}, {@code p_value{kind}},
 * {@code ab_requests_total{variant,outcome}} and the histogram {@code model_latency_seconds{variant}}.
 */
public final class AbMetrics {
    private final MeterRegistry meters;
    private final Map<String, Counter> successes = new ConcurrentHashMap<>();
    private final Map<String, Counter> failures = new ConcurrentHashMap<>();
    private final Map<String, Timer> latencies = new ConcurrentHashMap<>();

    /**
     * @param meters where the meters go
     * @param router the router whose split is published
     * @param test the test whose accuracies and p-values are published
     * @param variantA the test's first variant
     * @param variantB the test's second variant
     */
    public AbMetrics(MeterRegistry meters, TrafficRouter router, AbTest test, String variantA, String variantB) {
        this.meters = Objects.requireNonNull(meters, "meters");
        for (String variant : new String[] {variantA, variantB}) {
            Gauge.builder("ab_traffic_split_ratio", router, r -> r.split().shares().getOrDefault(variant, 0.0))
                    .description("Share of traffic routed to the variant")
                    .tag("variant", variant)
                    .register(meters);
        }
        Gauge.builder("model_accuracy", test, t -> t.result().accuracyA())
                .description("Accuracy on labelled feedback").tag("variant", variantA).register(meters);
        Gauge.builder("model_accuracy", test, t -> t.result().accuracyB())
                .description("Accuracy on labelled feedback").tag("variant", variantB).register(meters);
        Gauge.builder("p_value", test, t -> t.result().alwaysValidPValue())
                .description("A/B test p-value").tag("kind", "always_valid").register(meters);
        Gauge.builder("p_value", test, t -> t.result().fixedHorizonPValue())
                .description("A/B test p-value").tag("kind", "fixed_horizon").register(meters);
    }

    /**
     * @param variant the variant that answered
     * @param latency how long it took
     * @param error whether it failed
     */
    public void recordRequest(String variant, Duration latency, boolean error) {
        (error ? failures : successes).computeIfAbsent(variant, v -> Counter.builder("ab_requests_total")
                .description("Requests answered per variant and outcome")
                .tag("variant", v).tag("outcome", error ? "error" : "success").register(meters)).increment();
        latencies.computeIfAbsent(variant, v -> Timer.builder("model_latency_seconds")
                .description("Scoring latency per variant")
                .tag("variant", v)
                .publishPercentileHistogram()
                .register(meters)).record(latency);
    }
}
