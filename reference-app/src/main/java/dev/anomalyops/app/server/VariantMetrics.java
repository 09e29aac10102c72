package dev.anomalyops.app.server;

import dev.anomalyops.drift.FeedbackTracker;
import dev.anomalyops.drift.metrics.ServingMetrics;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The serving and quality meters of each (model, version, variant) the server answers with: {@code anomaly-drift}'s
 * {@link ServingMetrics} ({@code model_requests_total}, {@code model_predictions_total}, {@code anomaly_count_total},
 * {@code model_latency_seconds}, {@code model_error_rate}) and {@link FeedbackTracker} ({@code model_accuracy},
 * {@code model_precision}, {@code model_recall}, {@code model_f1_score}, {@code false_positive_rate},
 * {@code model_feedback_total}), all labelled {@code model, version, variant}. Variant {@code stable} is traffic
 * outside any A/B test or canary.
 */
final class VariantMetrics implements AutoCloseable {
    /** The variant of requests that no experiment routed. */
    static final String STABLE = "stable";

    private final MeterRegistry meters;
    private final Clock clock;
    private final Map<String, Entry> entries = new ConcurrentHashMap<>();

    /** One variant's meters. */
    record Entry(ServingMetrics serving, FeedbackTracker feedback, CompositeMeterRegistry view) {}

    VariantMetrics(MeterRegistry meters, Clock clock) {
        this.meters = meters;
        this.clock = clock;
    }

    Entry of(String model, String version, String variant) {
        return entries.computeIfAbsent(model + '\u0000' + version + '\u0000' + variant, k -> {
            ServingMetrics serving = ServingMetrics.builder(meters, model, version).variant(variant).clock(clock).build();
            // FeedbackTracker labels model and version; the view adds the variant so every model_accuracy series
            // has the same label names (Prometheus wants one label set per metric name).
            CompositeMeterRegistry view = new CompositeMeterRegistry();
            view.config().commonTags("variant", variant);
            view.add(meters);
            FeedbackTracker feedback = FeedbackTracker.builder(model, version).clock(clock).build();
            feedback.bindTo(view);
            return new Entry(serving, feedback, view);
        });
    }

    @Override
    public void close() {
        for (Entry e : entries.values()) {
            e.serving().close();
            e.feedback().close();
            e.view().close();
        }
        entries.clear();
    }
}
