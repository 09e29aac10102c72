package dev.anomalyops.drift.metrics;

import dev.anomalyops.core.ConfigurationException;
import dev.anomalyops.drift.internal.SlidingCounts;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The serving path's meters for one model version and traffic variant: {@code model_requests_total} by outcome,
 * {@code model_predictions_total}, {@code anomaly_count_total}, the {@code model_latency_seconds} histogram and the
 * {@code model_error_rate} gauge. It also keeps the latency histogram and error share over a sliding window, so that
 * the latency and error triggers can run in process ({@link #latencyQuantile}, {@link #errorRate}) with the same
 * definitions the Prometheus rules use. Thread-safe.
 */
public final class ServingMetrics implements AutoCloseable {
    private final MeterRegistry registry;
    private final Clock clock;
    private final SlidingCounts window;
    private final double[] bounds;
    private final int errorsSlot;
    private final int requestsSlot;
    private final Counter ok;
    private final Counter errors;
    private final Counter predictions;
    private final Counter anomalies;
    private final Timer latency;
    private final List<Meter> meters = new ArrayList<>();

    private ServingMetrics(Builder builder) {
        this.registry = builder.registry;
        this.clock = builder.clock;
        List<Double> buckets = MetricsCatalogue.MODEL_LATENCY.buckets();
        this.bounds = new double[buckets.size()];
        for (int i = 0; i < bounds.length; i++) {
            bounds[i] = buckets.get(i);
        }
        // Slots: one per bucket, one for +Inf, then errors, then requests.
        this.errorsSlot = bounds.length + 1;
        this.requestsSlot = bounds.length + 2;
        this.window = new SlidingCounts(bounds.length + 3, builder.window, builder.panes,
                Math.max(2, Runtime.getRuntime().availableProcessors()));
        Tags tags = Tags.of("model", builder.model, "version", builder.version, "variant", builder.variant);
        this.ok = keep(MetricsCatalogue.counter(registry, MetricsCatalogue.MODEL_REQUESTS, tags.and("outcome", "ok")));
        this.errors = keep(MetricsCatalogue.counter(registry, MetricsCatalogue.MODEL_REQUESTS, tags.and("outcome", "error")));
        this.predictions = keep(MetricsCatalogue.counter(registry, MetricsCatalogue.MODEL_PREDICTIONS, tags));
        this.anomalies = keep(MetricsCatalogue.counter(registry, MetricsCatalogue.ANOMALY_COUNT, tags));
        this.latency = keep(MetricsCatalogue.timer(registry, MetricsCatalogue.MODEL_LATENCY, tags));
        keep(MetricsCatalogue.gauge(registry, MetricsCatalogue.MODEL_ERROR_RATE, tags, this, ServingMetrics::errorRate));
    }

    private <M extends Meter> M keep(M meter) {
        meters.add(meter);
        return meter;
    }

    /**
     * @param registry where the meters go
     * @param model the model name
     * @param version the model version
     * @return a builder: variant {@code stable}, a five-minute window in 10 panes
     */
    public static Builder builder(MeterRegistry registry, String model, String version) {
        return new Builder(registry, model, version);
    }

    /**
     * Records a request that was scored.
     *
     * @param duration how long it took
     * @param rows rows scored
     * @param anomalous rows at or above the threshold
     */
    public void recordSuccess(Duration duration, int rows, int anomalous) {
        if (rows < 0 || anomalous < 0 || anomalous > rows) {
            throw new IllegalArgumentException("Expected 0 <= anomalous <= rows but rows and anomalous were " + rows + " and "
                    + anomalous);
        }
        ok.increment();
        predictions.increment(rows);
        anomalies.increment(anomalous);
        observe(duration, false);
    }

    /**
     * Records a request that failed.
     *
     * @param duration how long it took to fail
     */
    public void recordError(Duration duration) {
        errors.increment();
        observe(duration, true);
    }

    private void observe(Duration duration, boolean error) {
        latency.record(duration);
        double seconds = duration.toNanos() / 1e9;
        int bucket = 0;
        while (bucket < bounds.length && seconds > bounds[bucket]) {
            bucket++;
        }
        long pane = window.paneOf(clock.millis());
        SlidingCounts.Stripe stripe = window.stripe();
        synchronized (stripe) {
            long[] counts = window.open(stripe, pane);
            counts[bucket]++;
            counts[requestsSlot]++;
            if (error) {
                counts[errorsSlot]++;
            }
        }
    }

    /** @return failed requests over all requests in the window; NaN when there were none */
    public double errorRate() {
        long[] counts = window.sum(clock.millis());
        return counts[requestsSlot] == 0 ? Double.NaN : (double) counts[errorsSlot] / counts[requestsSlot];
    }

    /**
     * Estimates a latency quantile over the window from the histogram buckets, the way Prometheus'
     * {@code histogram_quantile} does: linear interpolation inside the bucket that holds the rank, and the highest
     * finite bound when the rank falls in the +Inf bucket.
     *
     * @param q the quantile, in [0, 1]
     * @return the latency in seconds; NaN when the window is empty
     */
    public double latencyQuantile(double q) {
        if (!(q >= 0 && q <= 1)) {
            throw new IllegalArgumentException("q must be in [0, 1] but was " + q);
        }
        long[] counts = window.sum(clock.millis());
        long total = counts[requestsSlot];
        if (total == 0) {
            return Double.NaN;
        }
        double rank = q * total;
        long cumulative = 0;
        for (int b = 0; b < bounds.length; b++) {
            long previous = cumulative;
            cumulative += counts[b];
            if (cumulative >= rank && counts[b] > 0) {
                double lower = b == 0 ? 0 : bounds[b - 1];
                return lower + (bounds[b] - lower) * (rank - previous) / counts[b];
            }
        }
        return bounds[bounds.length - 1];
    }

    /** Removes the meters from the registry (when a model version retires). */
    @Override
    public void close() {
        for (Meter meter : meters) {
            registry.remove(meter);
        }
        meters.clear();
    }

    /** Builds {@link ServingMetrics}; {@link #build()} reports every invalid value at once. */
    public static final class Builder {
        private final MeterRegistry registry;
        private final String model;
        private final String version;
        private String variant = "stable";
        private Duration window = Duration.ofMinutes(5);
        private int panes = 10;
        private Clock clock = Clock.systemUTC();

        private Builder(MeterRegistry registry, String model, String version) {
            this.registry = Objects.requireNonNull(registry, "registry");
            this.model = Objects.requireNonNull(model, "model");
            this.version = Objects.requireNonNull(version, "version");
        }

        /**
         * @param variant the traffic variant, {@code stable} or {@code canary}
         * @return this builder
         */
        public Builder variant(String variant) {
            this.variant = Objects.requireNonNull(variant, "variant");
            return this;
        }

        /**
         * @param window how far back the in-process error rate and latency quantiles look
         * @return this builder
         */
        public Builder window(Duration window) {
            this.window = Objects.requireNonNull(window, "window");
            return this;
        }

        /**
         * @param panes the window's time resolution
         * @return this builder
         */
        public Builder panes(int panes) {
            this.panes = panes;
            return this;
        }

        /**
         * @param clock the time source
         * @return this builder
         */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /**
         * @return the meters, registered
         * @throws ConfigurationException listing every invalid value
         */
        public ServingMetrics build() {
            List<String> problems = new ArrayList<>();
            if (model.isBlank() || version.isBlank() || variant.isBlank()) {
                problems.add("model, version and variant must not be blank but were \"" + model + "\", \"" + version
                        + "\" and \"" + variant + "\"");
            }
            if (panes < 1 || window.isNegative() || window.toMillis() < panes || window.toMillis() % panes != 0) {
                problems.add("window must be a positive whole number of milliseconds per pane but was " + window
                        + " for " + panes + " panes");
            }
            if (!problems.isEmpty()) {
                throw new ConfigurationException(problems);
            }
            return new ServingMetrics(this);
        }
    }
}
