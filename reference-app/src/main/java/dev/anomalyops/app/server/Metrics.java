package dev.anomalyops.app.server;

import dev.anomalyops.triton.server.ErrorStatus;
import dev.anomalyops.triton.server.InferenceListener;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * Inference metrics: {@code anomalyops_inference_requests_seconds} (histogram, by model, version and outcome),
 * {@code anomalyops_inference_rows_total} and {@code anomalyops_inference_batch_rows} (rows per dynamic batch).
 */
final class Metrics implements InferenceListener {
    private final MeterRegistry registry;

    Metrics(MeterRegistry registry) {
        this.registry = registry;
    }

    @Override
    public void inferred(String model, String version, int rows, long nanos, @Nullable Throwable failure) {
        String outcome = failure == null ? "success" : ErrorStatus.of(failure).name().toLowerCase(Locale.ROOT);
        Timer.builder("anomalyops_inference_requests").description("Inference requests, decode to response")
                .tags("model", model, "version", version, "outcome", outcome)
                .publishPercentileHistogram().minimumExpectedValue(Duration.ofNanos(10_000))
                .maximumExpectedValue(Duration.ofSeconds(10)).register(registry).record(nanos, TimeUnit.NANOSECONDS);
        if (failure == null) {
            Counter.builder("anomalyops_inference_rows").description("Rows scored").tags("model", model)
                    .register(registry).increment(rows);
        }
    }

    @Override
    public void batched(String model, int rows) {
        DistributionSummary.builder("anomalyops_inference_batch_rows").description("Rows per dynamic batch")
                .tags("model", model).register(registry).record(rows);
    }
}
