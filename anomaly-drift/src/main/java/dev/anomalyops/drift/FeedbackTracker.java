package dev.anomalyops.drift;

import dev.anomalyops.core.ConfigurationException;
import dev.anomalyops.drift.internal.SlidingCounts;
import dev.anomalyops.drift.metrics.MetricSpec;
import dev.anomalyops.drift.metrics.MetricsCatalogue;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.ToDoubleFunction;

/**
 * Model quality from feedback labels (an operator confirming or rejecting an alert, an incident tracker closing a
 * ticket): a confusion matrix over a sliding window, published as {@code model_accuracy}, {@code model_precision},
 * {@code model_recall}, {@code model_f1_score} and {@code false_positive_rate}, plus the
 * {@code model_feedback_total} counter. The performance-drift trigger (accuracy below 0.85 for 30 minutes) reads
 * it. Measures are NaN while the window holds fewer labels than the minimum. Thread-safe.
 */
public final class FeedbackTracker implements MeterBinder, AutoCloseable {
    private static final int TP = 0;
    private static final int FP = 1;
    private static final int TN = 2;
    private static final int FN = 3;
    private static final String[] OUTCOMES = {"true_positive", "false_positive", "true_negative", "false_negative"};

    private final String model;
    private final String version;
    private final double threshold;
    private final long minimumLabels;
    private final Clock clock;
    private final SlidingCounts window;
    private final List<Counter[]> counters = new CopyOnWriteArrayList<>();
    private final List<Registered> registered = new CopyOnWriteArrayList<>();

    private record Registered(MeterRegistry registry, Meter meter) {}

    private FeedbackTracker(Builder builder) {
        this.model = builder.model;
        this.version = builder.version;
        this.threshold = builder.threshold;
        this.minimumLabels = builder.minimumLabels;
        this.clock = builder.clock;
        this.window = new SlidingCounts(4, builder.window, builder.panes, 4);
    }

    /**
     * @param model the model name ({@code model} label)
     * @param version the model version ({@code version} label)
     * @return a builder: threshold 0.5, a one-hour window in 12 panes, at least 50 labels
     */
    public static Builder builder(String model, String version) {
        return new Builder(model, version);
    }

    /**
     * @param probability the model's predicted probability for the row
     * @param anomalous whether the row turned out to be anomalous
     */
    public void record(double probability, boolean anomalous) {
        record(probability >= threshold, anomalous);
    }

    /**
     * @param flagged whether the model labelled the row anomalous
     * @param anomalous whether the row turned out to be anomalous
     */
    public void record(boolean flagged, boolean anomalous) {
        int cell = flagged ? (anomalous ? TP : FP) : (anomalous ? FN : TN);
        long pane = window.paneOf(clock.millis());
        SlidingCounts.Stripe stripe = window.stripe();
        synchronized (stripe) {
            window.open(stripe, pane)[cell]++;
        }
        for (Counter[] c : counters) {
            c[cell].increment();
        }
    }

    /** @return the window's confusion matrix */
    public ConfusionMatrix snapshot() {
        long[] c = window.sum(clock.millis());
        return new ConfusionMatrix(c[TP], c[FP], c[TN], c[FN]);
    }

    private double measure(ToDoubleFunction<ConfusionMatrix> measure) {
        ConfusionMatrix m = snapshot();
        return m.total() < minimumLabels ? Double.NaN : measure.applyAsDouble(m);
    }

    /** @return accuracy over the window, NaN below the minimum number of labels */
    public double accuracy() {
        return measure(ConfusionMatrix::accuracy);
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        Tags tags = Tags.of("model", model, "version", version);
        gauge(registry, MetricsCatalogue.MODEL_ACCURACY, tags, ConfusionMatrix::accuracy);
        gauge(registry, MetricsCatalogue.MODEL_PRECISION, tags, ConfusionMatrix::precision);
        gauge(registry, MetricsCatalogue.MODEL_RECALL, tags, ConfusionMatrix::recall);
        gauge(registry, MetricsCatalogue.MODEL_F1_SCORE, tags, ConfusionMatrix::f1);
        gauge(registry, MetricsCatalogue.FALSE_POSITIVE_RATE, tags, ConfusionMatrix::falsePositiveRate);
        Counter[] c = new Counter[4];
        for (int i = 0; i < 4; i++) {
            c[i] = MetricsCatalogue.counter(registry, MetricsCatalogue.MODEL_FEEDBACK, tags.and("outcome", OUTCOMES[i]));
            registered.add(new Registered(registry, c[i]));
        }
        counters.add(c);
    }

    private void gauge(MeterRegistry registry, MetricSpec spec, Tags tags, ToDoubleFunction<ConfusionMatrix> measure) {
        registered.add(new Registered(registry, MetricsCatalogue.gauge(registry, spec, tags, this, t -> t.measure(measure))));
    }

    /** Removes this tracker's meters from every registry it was bound to. */
    @Override
    public void close() {
        counters.clear();
        for (Registered r : registered) {
            r.registry().remove(r.meter());
        }
        registered.clear();
    }

    /** Builds a {@link FeedbackTracker}; {@link #build()} reports every invalid value at once. */
    public static final class Builder {
        private final String model;
        private final String version;
        private double threshold = 0.5;
        private Duration window = Duration.ofHours(1);
        private int panes = 12;
        private long minimumLabels = 50;
        private Clock clock = Clock.systemUTC();

        private Builder(String model, String version) {
            this.model = Objects.requireNonNull(model, "model");
            this.version = Objects.requireNonNull(version, "version");
        }

        /**
         * @param threshold probabilities at or above it are flagged (use the bundle's threshold)
         * @return this builder
         */
        public Builder threshold(double threshold) {
            this.threshold = threshold;
            return this;
        }

        /**
         * @param window how far back measures look
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
         * @param minimumLabels measures are NaN below this many labels in the window
         * @return this builder
         */
        public Builder minimumLabels(long minimumLabels) {
            this.minimumLabels = minimumLabels;
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
         * @return the tracker
         * @throws ConfigurationException listing every invalid value
         */
        public FeedbackTracker build() {
            List<String> problems = new ArrayList<>();
            if (model.isBlank() || version.isBlank()) {
                problems.add("model and version must not be blank but were \"" + model + "\" and \"" + version + "\"");
            }
            if (!(threshold >= 0 && threshold <= 1)) {
                problems.add("threshold must be in [0, 1] but was " + threshold);
            }
            if (panes < 1 || window.isNegative() || window.toMillis() < panes || window.toMillis() % panes != 0) {
                problems.add("window must be a positive whole number of milliseconds per pane but was " + window
                        + " for " + panes + " panes");
            }
            if (minimumLabels < 1) {
                problems.add("minimumLabels must be >= 1 but was " + minimumLabels);
            }
            if (!problems.isEmpty()) {
                throw new ConfigurationException(problems);
            }
            return new FeedbackTracker(this);
        }
    }
}
