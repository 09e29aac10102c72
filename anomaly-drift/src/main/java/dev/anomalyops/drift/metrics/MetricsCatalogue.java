package dev.anomalyops.drift.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.ToDoubleFunction;

/**
 * Every meter of the AnomalyOps platform, in one place: the names operators already use for model quality,
 * inference, data quality and drift, A/B tests and the LLM explanation path. The Prometheus rules in
 * {@code deploy/monitoring} and the Grafana dashboards query exactly these names (a test checks it), so modules
 * register meters through {@link #counter}, {@link #timer}, {@link #summary} and {@link #gauge}, which enforce the
 * catalogued type, unit, buckets and label set.
 *
 * <p>Names keep the operators' spelling even where Prometheus conventions would differ
 * ({@code embedding_duration_ms} and {@code qdrant_search_latency_ms} are in milliseconds,
 * {@code outlier_percentage} is 0 to 100); every other ratio is 0 to 1.
 */
public final class MetricsCatalogue {
    private static final List<Double> LATENCY_SECONDS = List.of(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0);
    private static final List<Double> GENERATION_SECONDS = List.of(0.1, 0.25, 0.5, 1.0, 2.0, 5.0, 10.0, 20.0, 30.0, 60.0);
    private static final List<Double> MILLIS = List.of(1.0, 2.0, 5.0, 10.0, 20.0, 50.0, 100.0, 200.0, 500.0, 1000.0);
    private static final List<Double> TOKENS = List.of(16.0, 32.0, 64.0, 128.0, 256.0, 512.0, 1024.0, 2048.0);
    private static final List<String> MODEL = List.of("model", "version");
    private static final List<String> MODEL_FEATURE = List.of("model", "version", "feature");
    private static final List<String> MODEL_VARIANT = List.of("model", "version", "variant");

    // Drift and data quality (DriftMonitor).
    /** Population stability index of a feature (or {@code feature="__prediction__"}) over the drift window. */
    public static final MetricSpec PSI_SCORE = gauge("psi_score",
            "Population stability index of the feature's distribution over the drift window against the training reference",
            MODEL_FEATURE);
    /** KL divergence of production from the reference, per feature. */
    public static final MetricSpec KL_DIVERGENCE = gauge("kl_divergence",
            "Kullback-Leibler divergence KL(production || reference) of the feature over the drift window, in nats",
            MODEL_FEATURE);
    /** Jensen-Shannon divergence, per feature. */
    public static final MetricSpec JS_DIVERGENCE = gauge("js_divergence",
            "Jensen-Shannon divergence between production and reference distributions of the feature, in nats (0 to ln 2)",
            MODEL_FEATURE);
    /** Share of missing values per feature. */
    public static final MetricSpec MISSING_VALUE_RATE = gauge("missing_value_rate",
            "Share of missing (NaN) values of the feature over the drift window, 0 to 1", MODEL_FEATURE);
    /** Percentage of values outside the training outlier fences. */
    public static final MetricSpec OUTLIER_PERCENTAGE = gauge("outlier_percentage",
            "Percentage (0 to 100) of the feature's values outside the training data's Tukey fences over the drift window",
            MODEL_FEATURE);
    /** Share of predictions at or above the anomaly threshold. */
    public static final MetricSpec ANOMALY_RATE = gauge("anomaly_rate",
            "Share of predictions at or above the model's anomaly threshold over the drift window, 0 to 1", MODEL);
    /** Prediction histogram over the reference's quantile bins. */
    public static final MetricSpec PREDICTION_DISTRIBUTION = gauge("prediction_distribution",
            "Share of predicted probabilities per reference quantile bin; source is production (drift window) or reference",
            List.of("model", "version", "bin", "source"));
    /** Feature histograms over the reference's quantile bins. */
    public static final MetricSpec INPUT_FEATURE_DISTRIBUTION = gauge("input_feature_distribution",
            "Share of the feature's values per reference quantile bin; source is production (drift window) or reference",
            List.of("model", "version", "feature", "bin", "source"));
    /** Rows in the drift window. */
    public static final MetricSpec DRIFT_WINDOW_ROWS = gauge("drift_window_rows",
            "Rows in the drift window; drift statistics are NaN below the monitor's minimum", MODEL);

    // Model quality from feedback labels (FeedbackTracker).
    /** Accuracy from feedback labels. */
    public static final MetricSpec MODEL_ACCURACY = gauge("model_accuracy",
            "Accuracy of the model's anomaly labels against feedback labels over the feedback window, 0 to 1", MODEL);
    /** Precision from feedback labels. */
    public static final MetricSpec MODEL_PRECISION = gauge("model_precision",
            "Precision (true anomalies among flagged rows) against feedback labels over the feedback window, 0 to 1", MODEL);
    /** Recall from feedback labels. */
    public static final MetricSpec MODEL_RECALL = gauge("model_recall",
            "Recall (flagged rows among true anomalies) against feedback labels over the feedback window, 0 to 1", MODEL);
    /** F1 from feedback labels. */
    public static final MetricSpec MODEL_F1_SCORE = gauge("model_f1_score",
            "F1 score against feedback labels over the feedback window, 0 to 1", MODEL);
    /** False positive rate from feedback labels. */
    public static final MetricSpec FALSE_POSITIVE_RATE = gauge("false_positive_rate",
            "False positive rate (flagged rows among normal ones) against feedback labels over the feedback window, 0 to 1",
            MODEL);
    /** Feedback labels received, by confusion-matrix cell. */
    public static final MetricSpec MODEL_FEEDBACK = counter("model_feedback",
            "Feedback labels received; outcome is true_positive, false_positive, true_negative or false_negative",
            List.of("model", "version", "outcome"));

    // Inference (ServingMetrics).
    /** Scoring requests by outcome. */
    public static final MetricSpec MODEL_REQUESTS = counter("model_requests",
            "Scoring requests; outcome is ok or error", List.of("model", "version", "variant", "outcome"));
    /** Rows scored. */
    public static final MetricSpec MODEL_PREDICTIONS = counter("model_predictions",
            "Rows scored (a batch request counts each row)", MODEL_VARIANT);
    /** Rows labelled anomalous. */
    public static final MetricSpec ANOMALY_COUNT = counter("anomaly_count",
            "Rows scored at or above the model's anomaly threshold", MODEL_VARIANT);
    /** Scoring latency. */
    public static final MetricSpec MODEL_LATENCY = new MetricSpec("model_latency", MetricType.TIMER,
            "Scoring request latency, end to end in the server", "", MODEL_VARIANT, LATENCY_SECONDS);
    /** Error share over the serving window. */
    public static final MetricSpec MODEL_ERROR_RATE = gauge("model_error_rate",
            "Share of scoring requests that failed over the serving window, 0 to 1", MODEL_VARIANT);

    // LLM explanations and retrieval (anomaly-rag, wired by the reference app).
    /** LLM generation time. */
    public static final MetricSpec LLM_GENERATION = new MetricSpec("llm_generation", MetricType.TIMER,
            "Time to generate one explanation with the LLM", "", List.of("model"), GENERATION_SECONDS);
    /** Tokens per generation. */
    public static final MetricSpec LLM_TOKENS_GENERATED = new MetricSpec("llm_tokens_generated",
            MetricType.DISTRIBUTION_SUMMARY, "Tokens generated per explanation", "", List.of("model"), TOKENS);
    /** Embedding time in milliseconds. */
    public static final MetricSpec EMBEDDING_DURATION = new MetricSpec("embedding_duration", MetricType.DISTRIBUTION_SUMMARY,
            "Time to embed one text, in milliseconds", "ms", List.of("model"), MILLIS);
    /** Vector search time in milliseconds. */
    public static final MetricSpec QDRANT_SEARCH_LATENCY = new MetricSpec("qdrant_search_latency",
            MetricType.DISTRIBUTION_SUMMARY, "Time of one Qdrant similarity search, in milliseconds", "ms",
            List.of("collection"), MILLIS);

    // Triggers.
    /** Retrain, rollback and other trigger actions taken. */
    public static final MetricSpec RETRAIN_TRIGGERS = counter("retrain_triggers",
            "Trigger actions dispatched (retrain, rollback, scale_up, page, pause_canary); outcome is accepted, duplicate or failed",
            List.of("model", "action", "outcome"));

    /** Exported by NVIDIA Triton (metrics port 8002): GPU utilisation 0 to 1. Not ours; dashboards may query it. */
    public static final MetricSpec TRITON_GPU_UTILIZATION = gauge("nv_gpu_utilization",
            "GPU utilisation 0 to 1, exported by Triton Inference Server", List.of("gpu_uuid"));
    /** Exported by NVIDIA's dcgm-exporter: GPU utilisation 0 to 100. Not ours; dashboards may query it. */
    public static final MetricSpec DCGM_GPU_UTILIZATION = gauge("DCGM_FI_DEV_GPU_UTIL",
            "GPU utilisation 0 to 100, exported by NVIDIA dcgm-exporter (for the LLM server's GPUs)", List.of("gpu", "UUID"));

    private static final List<MetricSpec> OURS = List.of(PSI_SCORE, KL_DIVERGENCE, JS_DIVERGENCE, MISSING_VALUE_RATE,
            OUTLIER_PERCENTAGE, ANOMALY_RATE, PREDICTION_DISTRIBUTION, INPUT_FEATURE_DISTRIBUTION, DRIFT_WINDOW_ROWS,
            MODEL_ACCURACY, MODEL_PRECISION, MODEL_RECALL, MODEL_F1_SCORE, FALSE_POSITIVE_RATE, MODEL_FEEDBACK,
            MODEL_REQUESTS, MODEL_PREDICTIONS, ANOMALY_COUNT, MODEL_LATENCY, MODEL_ERROR_RATE, LLM_GENERATION,
            LLM_TOKENS_GENERATED, EMBEDDING_DURATION, QDRANT_SEARCH_LATENCY, RETRAIN_TRIGGERS);
    private static final List<MetricSpec> EXTERNAL = List.of(TRITON_GPU_UTILIZATION, DCGM_GPU_UTILIZATION);

    private MetricsCatalogue() {}

    /** @return every meter AnomalyOps exports */
    public static List<MetricSpec> all() {
        return OURS;
    }

    /** @return meters other servers export that our dashboards read (GPU utilisation) */
    public static List<MetricSpec> external() {
        return EXTERNAL;
    }

    /** @return every Prometheus series name our meters produce, plus the external ones */
    public static Set<String> prometheusSeries() {
        Set<String> names = new HashSet<>();
        for (MetricSpec spec : OURS) {
            names.addAll(spec.prometheusSeries());
        }
        for (MetricSpec spec : EXTERNAL) {
            names.addAll(spec.prometheusSeries());
        }
        return names;
    }

    /**
     * @param registry where to register
     * @param spec a catalogued counter
     * @param tags values for exactly the spec's labels
     * @return the counter
     */
    public static Counter counter(MeterRegistry registry, MetricSpec spec, Tags tags) {
        check(spec, MetricType.COUNTER, tags);
        return Counter.builder(spec.name()).description(spec.description()).tags(tags).register(registry);
    }

    /**
     * @param registry where to register
     * @param spec a catalogued timer
     * @param tags values for exactly the spec's labels
     * @return the timer, with the catalogued histogram buckets
     */
    public static Timer timer(MeterRegistry registry, MetricSpec spec, Tags tags) {
        check(spec, MetricType.TIMER, tags);
        Duration[] slos = new Duration[spec.buckets().size()];
        for (int i = 0; i < slos.length; i++) {
            slos[i] = Duration.ofNanos(Math.round(spec.buckets().get(i) * 1e9));
        }
        return Timer.builder(spec.name()).description(spec.description()).tags(tags).serviceLevelObjectives(slos)
                .register(registry);
    }

    /**
     * @param registry where to register
     * @param spec a catalogued distribution summary
     * @param tags values for exactly the spec's labels
     * @return the summary, with the catalogued unit and histogram buckets
     */
    public static DistributionSummary summary(MeterRegistry registry, MetricSpec spec, Tags tags) {
        check(spec, MetricType.DISTRIBUTION_SUMMARY, tags);
        double[] slos = spec.buckets().stream().mapToDouble(Double::doubleValue).toArray();
        DistributionSummary.Builder builder = DistributionSummary.builder(spec.name()).description(spec.description())
                .tags(tags).serviceLevelObjectives(slos);
        if (!spec.baseUnit().isEmpty()) {
            builder.baseUnit(spec.baseUnit());
        }
        return builder.register(registry);
    }

    /**
     * Registers a gauge that holds a strong reference to {@code state}, so the state lives as long as the meter.
     *
     * @param registry where to register
     * @param spec a catalogued gauge
     * @param tags values for exactly the spec's labels
     * @param state the object the value is read from
     * @param value reads the value
     * @param <T> the state's type
     * @return the gauge
     */
    public static <T> Gauge gauge(MeterRegistry registry, MetricSpec spec, Tags tags, T state, ToDoubleFunction<T> value) {
        check(spec, MetricType.GAUGE, tags);
        return Gauge.builder(spec.name(), state, value).description(spec.description()).tags(tags).strongReference(true)
                .register(registry);
    }

    private static void check(MetricSpec spec, MetricType type, Tags tags) {
        if (spec.type() != type) {
            throw new IllegalArgumentException("Metric \"" + spec.name() + "\" is a " + spec.type() + ", not a " + type);
        }
        List<String> keys = new ArrayList<>();
        for (Tag tag : tags) {
            keys.add(tag.getKey());
        }
        if (!new HashSet<>(keys).equals(new HashSet<>(spec.tagKeys())) || keys.size() != spec.tagKeys().size()) {
            throw new IllegalArgumentException("Metric \"" + spec.name() + "\" takes exactly the labels " + spec.tagKeys()
                    + " but received " + keys);
        }
    }

    private static MetricSpec gauge(String name, String description, List<String> tagKeys) {
        return new MetricSpec(name, MetricType.GAUGE, description, "", tagKeys, List.of());
    }

    private static MetricSpec counter(String name, String description, List<String> tagKeys) {
        return new MetricSpec(name, MetricType.COUNTER, description, "", tagKeys, List.of());
    }
}
