package dev.anomalyops.drift;

import dev.anomalyops.core.ConfigurationException;
import dev.anomalyops.core.InvalidFeatureValueException;
import dev.anomalyops.core.SchemaMismatchException;
import dev.anomalyops.core.model.ModelBundle;
import dev.anomalyops.core.scoring.FeatureBatch;
import dev.anomalyops.core.scoring.Scorer;
import dev.anomalyops.drift.internal.SlidingCounts;
import dev.anomalyops.drift.metrics.MetricSpec;
import dev.anomalyops.drift.metrics.MetricsCatalogue;
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
import org.jspecify.annotations.Nullable;

/**
 * Watches the rows a model scores and keeps drift statistics against the training reference over a sliding time
 * window, in constant memory: rows are counted into the reference's bins as they arrive and never stored. Cheap
 * enough for every request (a few nanoseconds per value; see {@code DriftBenchmark} in the benchmarks module).
 * Thread-safe: scorer threads record concurrently while a metrics scrape reads.
 *
 * <p>As a Micrometer {@link MeterBinder} it publishes {@code psi_score}, {@code kl_divergence},
 * {@code js_divergence}, {@code missing_value_rate} and {@code outlier_percentage} per feature (and for
 * {@code feature="__prediction__"}), {@code anomaly_rate}, {@code prediction_distribution},
 * {@code input_feature_distribution} and {@code drift_window_rows}, labelled with the model and version (see
 * {@link MetricsCatalogue}).
 *
 * <pre>{@code
 * DriftMonitor monitor = DriftMonitor.forBundle(bundle).window(Duration.ofHours(1)).build();
 * monitor.bindTo(registry);
 * scorer.score(batch, probabilities);
 * monitor.record(batch, probabilities);
 * }</pre>
 */
public final class DriftMonitor implements MeterBinder, AutoCloseable {
    /** The {@code source} label of the window's distributions. */
    public static final String PRODUCTION = "production";
    /** The {@code source} label of the reference distributions. */
    public static final String REFERENCE = "reference";

    private final DriftCalculator calculator;
    private final BinLayout layout;
    private final SlidingCounts window;
    private final Clock clock;
    private final long refreshMillis;
    private final String model;
    private final String version;
    private final boolean publishDistributions;
    private final List<Registered> registered = new CopyOnWriteArrayList<>();
    private final Object reportLock = new Object();
    private volatile @Nullable DriftReport cached;
    private volatile long cachedAt;

    private record Registered(MeterRegistry registry, Meter meter) {}

    private DriftMonitor(Builder builder) {
        this.calculator = builder.calculator.build();
        this.layout = calculator.layout();
        this.window = new SlidingCounts(layout.width(), builder.window, builder.panes,
                Math.max(2, Runtime.getRuntime().availableProcessors()));
        this.clock = builder.clock;
        this.refreshMillis = builder.refresh.toMillis();
        this.model = builder.model;
        this.version = builder.version;
        this.publishDistributions = builder.publishDistributions;
    }

    /**
     * @param profile the training reference
     * @param model the model name, the {@code model} label
     * @param version the model version, the {@code version} label
     * @return a builder: a one-hour window in 12 panes, PSI epsilon 1e-4, statistics from 1,000 rows, anomaly
     *     threshold 0.5
     */
    public static Builder builder(ReferenceProfile profile, String model, String version) {
        return new Builder(profile, model, version);
    }

    /**
     * @param bundle a model bundle with a drift reference
     * @return a builder labelled with the bundle's name and version and using its anomaly threshold
     * @throws ConfigurationException when the bundle carries no drift reference
     */
    public static Builder forBundle(ModelBundle bundle) {
        ReferenceProfile profile = ReferenceProfile.fromBundle(bundle).orElseThrow(() -> new ConfigurationException(
                "Model bundle \"" + bundle.manifest().name() + "\" version \"" + bundle.manifest().version()
                        + "\" has no drift reference; learn one with ReferenceProfile.learn and add it with addTo"));
        return new Builder(profile, bundle.manifest().name(), bundle.manifest().version())
                .anomalyThreshold(bundle.manifest().threshold());
    }

    /**
     * Records scored rows and their predictions.
     *
     * @param batch the rows the scorer saw
     * @param probabilities the scorer's output for them (at least {@code batch.rows()} values), or null when not
     *     known
     * @throws SchemaMismatchException when the batch's schema is not the reference's
     */
    public void record(FeatureBatch batch, double @Nullable [] probabilities) {
        calculator.requireSchema(batch);
        int rows = batch.rows();
        if (probabilities != null && probabilities.length < rows) {
            throw new IllegalArgumentException("Expected a probability for each of the " + rows + " rows but received "
                    + probabilities.length);
        }
        add(batch.values(), 0, rows, probabilities, 0);
    }

    /**
     * Records one scored row.
     *
     * @param row the row's values in schema order (NaN for missing)
     * @param probability the predicted probability, NaN when not known
     * @throws InvalidFeatureValueException when the row has the wrong length
     */
    public void record(float[] row, double probability) {
        if (row.length != layout.features()) {
            throw new InvalidFeatureValueException("", "Row has " + row.length + " values but the drift reference has "
                    + layout.features() + " features");
        }
        long pane = window.paneOf(clock.millis());
        SlidingCounts.Stripe stripe = window.stripe();
        synchronized (stripe) {
            long[] counts = window.open(stripe, pane);
            layout.addRows(row, 0, 1, counts);
            layout.addPrediction(probability, counts);
        }
    }

    /**
     * Records rows stored row-major in a shared array, e.g. a slice of a larger batch.
     *
     * @param values row-major values in schema order
     * @param offset where the first row starts
     * @param rows how many rows
     * @param probabilities predictions, or null
     * @param probabilityOffset index of the first row's prediction
     */
    public void record(float[] values, int offset, int rows, double @Nullable [] probabilities, int probabilityOffset) {
        if (rows < 0 || offset < 0 || (long) offset + (long) rows * layout.features() > values.length) {
            throw new IndexOutOfBoundsException(rows + " rows of " + layout.features() + " values from " + offset
                    + " do not fit an array of " + values.length);
        }
        if (probabilities != null && (probabilityOffset < 0 || (long) probabilityOffset + rows > probabilities.length)) {
            throw new IndexOutOfBoundsException(rows + " probabilities from " + probabilityOffset
                    + " do not fit an array of " + probabilities.length);
        }
        add(values, offset, rows, probabilities, probabilityOffset);
    }

    private void add(float[] values, int offset, int rows, double @Nullable [] probabilities, int probabilityOffset) {
        long pane = window.paneOf(clock.millis());
        SlidingCounts.Stripe stripe = window.stripe();
        synchronized (stripe) {
            long[] counts = window.open(stripe, pane);
            layout.addRows(values, offset, rows, counts);
            if (probabilities != null) {
                layout.addPredictions(probabilities, probabilityOffset, probabilityOffset + rows, counts);
            } else {
                layout.addMissingPredictions(rows, counts);
            }
        }
    }

    /**
     * Wraps a scorer so that every batch it scores, and the probabilities it writes, are recorded here. A failure to
     * record is logged and never fails the scoring call.
     *
     * @param scorer the model's scorer
     * @return a scorer with the same model that also feeds this monitor; closing it closes {@code scorer}
     */
    public Scorer monitor(Scorer scorer) {
        calculator.profile().requireSchema(scorer.model().schema());
        return new MonitoredScorer(scorer, this);
    }

    /** @return the drift over the current window, computed now */
    public DriftReport snapshot() {
        long now = clock.millis();
        long[] counts = window.sum(now);
        return calculator.report(counts, window.windowStart(now), window.windowEnd(now));
    }

    /**
     * @return the drift over the current window, reused for the monitor's refresh interval so that one metrics
     *     scrape reading hundreds of gauges computes it once
     */
    public DriftReport report() {
        DriftReport report = cached;
        long now = clock.millis();
        if (report != null && now - cachedAt < refreshMillis) {
            return report;
        }
        synchronized (reportLock) {
            report = cached;
            if (report != null && now - cachedAt < refreshMillis) {
                return report;
            }
            report = snapshot();
            cached = report;
            cachedAt = now;
            return report;
        }
    }

    /** @return the reference this monitor compares with */
    public ReferenceProfile profile() {
        return calculator.profile();
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        Tags base = Tags.of("model", model, "version", version);
        List<FeatureProfile> features = calculator.profile().features();
        for (int f = 0; f < features.size(); f++) {
            final int index = f;
            bindFeature(registry, base, features.get(f).name(), r -> r.features().get(index));
        }
        if (calculator.profile().prediction().isPresent()) {
            bindFeature(registry, base, ReferenceProfile.PREDICTION, r -> r.prediction().orElseThrow());
        }
        gauge(registry, MetricsCatalogue.ANOMALY_RATE, base, DriftReport::anomalyRate);
        gauge(registry, MetricsCatalogue.DRIFT_WINDOW_ROWS, base, r -> r.rows());
        if (!publishDistributions) {
            return;
        }
        for (int f = 0; f < features.size(); f++) {
            final int index = f;
            FeatureProfile feature = features.get(f);
            for (int b = 0; b < feature.bins(); b++) {
                final int bin = b;
                Tags tags = base.and("feature", feature.name(), "bin", binLabel(b));
                gauge(registry, MetricsCatalogue.INPUT_FEATURE_DISTRIBUTION, tags.and("source", PRODUCTION),
                        r -> r.features().get(index).productionShare(bin));
                double reference = feature.frequency(b);
                gauge(registry, MetricsCatalogue.INPUT_FEATURE_DISTRIBUTION, tags.and("source", REFERENCE), r -> reference);
            }
        }
        calculator.profile().prediction().ifPresent(prediction -> {
            for (int b = 0; b < prediction.bins(); b++) {
                final int bin = b;
                Tags tags = base.and("bin", binLabel(b));
                gauge(registry, MetricsCatalogue.PREDICTION_DISTRIBUTION, tags.and("source", PRODUCTION),
                        r -> r.prediction().orElseThrow().productionShare(bin));
                double reference = prediction.frequency(b);
                gauge(registry, MetricsCatalogue.PREDICTION_DISTRIBUTION, tags.and("source", REFERENCE), r -> reference);
            }
        });
    }

    private void bindFeature(MeterRegistry registry, Tags base, String name,
            java.util.function.Function<DriftReport, FeatureDrift> pick) {
        Tags tags = base.and("feature", name);
        gauge(registry, MetricsCatalogue.PSI_SCORE, tags, r -> pick.apply(r).psi());
        gauge(registry, MetricsCatalogue.KL_DIVERGENCE, tags, r -> pick.apply(r).klDivergence());
        gauge(registry, MetricsCatalogue.JS_DIVERGENCE, tags, r -> pick.apply(r).jensenShannon());
        gauge(registry, MetricsCatalogue.MISSING_VALUE_RATE, tags, r -> pick.apply(r).missingRate());
        gauge(registry, MetricsCatalogue.OUTLIER_PERCENTAGE, tags, r -> pick.apply(r).outlierPercentage());
    }

    private void gauge(MeterRegistry registry, MetricSpec spec, Tags tags, ToDoubleFunction<DriftReport> value) {
        Meter meter = MetricsCatalogue.gauge(registry, spec, tags, this, m -> value.applyAsDouble(m.report()));
        registered.add(new Registered(registry, meter));
    }

    /**
     * @param bin a bin index
     * @return its label: two digits, so that bins sort in order
     */
    public static String binLabel(int bin) {
        return bin < 10 ? "0" + bin : Integer.toString(bin);
    }

    /** Removes this monitor's meters from every registry it was bound to (e.g. when a model version retires). */
    @Override
    public void close() {
        for (Registered r : registered) {
            r.registry().remove(r.meter());
        }
        registered.clear();
    }

    /** Builds a {@link DriftMonitor}; {@link #build()} reports every invalid value at once. */
    public static final class Builder {
        private final DriftCalculator.Builder calculator;
        private final String model;
        private final String version;
        private Duration window = Duration.ofHours(1);
        private int panes = 12;
        private Clock clock = Clock.systemUTC();
        private Duration refresh = Duration.ofSeconds(1);
        private boolean publishDistributions = true;

        private Builder(ReferenceProfile profile, String model, String version) {
            this.calculator = DriftCalculator.builder(profile).minimumRows(1000);
            this.model = Objects.requireNonNull(model, "model");
            this.version = Objects.requireNonNull(version, "version");
        }

        /**
         * @param window how far back statistics look
         * @return this builder
         */
        public Builder window(Duration window) {
            this.window = Objects.requireNonNull(window, "window");
            return this;
        }

        /**
         * @param panes how many steps the window slides in (its time resolution); memory grows linearly with it
         * @return this builder
         */
        public Builder panes(int panes) {
            this.panes = panes;
            return this;
        }

        /**
         * @param epsilon the floor for empty-bin shares in PSI and KL
         * @return this builder
         */
        public Builder epsilon(double epsilon) {
            calculator.epsilon(epsilon);
            return this;
        }

        /**
         * @param minimumRows statistics are NaN while the window holds fewer non-missing values of a feature (PSI of
         *     small samples is biased upwards)
         * @return this builder
         */
        public Builder minimumRows(long minimumRows) {
            calculator.minimumRows(minimumRows);
            return this;
        }

        /**
         * @param anomalyThreshold predicted probabilities at or above it count as anomalies
         * @return this builder
         */
        public Builder anomalyThreshold(double anomalyThreshold) {
            calculator.anomalyThreshold(anomalyThreshold);
            return this;
        }

        /**
         * @param clock the time source (tests inject a fixed or stepping clock)
         * @return this builder
         */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /**
         * @param refresh how long {@link #report()} reuses a computed report (gauges read it)
         * @return this builder
         */
        public Builder refreshInterval(Duration refresh) {
            this.refresh = Objects.requireNonNull(refresh, "refresh");
            return this;
        }

        /**
         * @param publish whether to publish the per-bin distributions (features × bins × 2 series); on by default
         * @return this builder
         */
        public Builder publishDistributions(boolean publish) {
            this.publishDistributions = publish;
            return this;
        }

        /**
         * @return the monitor
         * @throws ConfigurationException listing every invalid value
         */
        public DriftMonitor build() {
            List<String> problems = new ArrayList<>(calculator.problems());
            if (model.isBlank()) {
                problems.add("model must not be blank");
            }
            if (version.isBlank()) {
                problems.add("version must not be blank");
            }
            if (panes < 1 || panes > 10_000) {
                problems.add("panes must be between 1 and 10000 but was " + panes);
            }
            long millis = window.toMillis();
            if (window.isNegative() || window.isZero() || (panes >= 1 && (millis < panes || millis % panes != 0))) {
                problems.add("window must be positive and a whole number of milliseconds per pane but was " + window
                        + " for " + panes + " panes");
            }
            if (refresh.isNegative()) {
                problems.add("refreshInterval must not be negative but was " + refresh);
            }
            if (!problems.isEmpty()) {
                throw new ConfigurationException(problems);
            }
            return new DriftMonitor(this);
        }
    }
}
