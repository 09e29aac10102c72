package dev.anomalyops.drift.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.Tags;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** Registers every catalogued meter in Micrometer's real Prometheus registry and reads the scrape back. */
class MetricsCatalogueTest {
    @Test
    void everySpecProducesExactlyTheSeriesItPromises() {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        Set<String> promised = new TreeSet<>();
        for (MetricSpec spec : MetricsCatalogue.all()) {
            String[] kv = new String[spec.tagKeys().size() * 2];
            for (int i = 0; i < spec.tagKeys().size(); i++) {
                kv[2 * i] = spec.tagKeys().get(i);
                kv[2 * i + 1] = "x";
            }
            Tags tags = Tags.of(kv);
            switch (spec.type()) {
                case GAUGE -> MetricsCatalogue.gauge(registry, spec, tags, new double[] {0.25}, a -> a[0]);
                case COUNTER -> MetricsCatalogue.counter(registry, spec, tags).increment();
                case TIMER -> MetricsCatalogue.timer(registry, spec, tags).record(Duration.ofMillis(30));
                case DISTRIBUTION_SUMMARY -> MetricsCatalogue.summary(registry, spec, tags).record(7);
            }
            promised.addAll(spec.prometheusSeries());
        }
        String scrape = registry.scrape();
        Set<String> exposed = new TreeSet<>();
        scrape.lines().filter(l -> !l.startsWith("#") && !l.isBlank())
                .forEach(l -> exposed.add(l.substring(0, l.indexOf(l.contains("{") ? '{' : ' '))));
        assertThat(exposed).isEqualTo(promised);
        assertThat(scrape).contains("model_latency_seconds_bucket{model=\"x\",variant=\"x\",version=\"x\",le=\"1.0\"} 1");
        assertThat(scrape).contains("embedding_duration_ms_bucket{model=\"x\",le=\"10.0\"} 1");
        assertThat(scrape).contains("# HELP model_accuracy Accuracy of the model's anomaly labels");
        assertThat(MetricsCatalogue.prometheusSeries()).contains("anomaly_count_total", "llm_generation_seconds_bucket",
                "qdrant_search_latency_ms_bucket", "llm_tokens_generated_sum", "nv_gpu_utilization");
    }

    @Test
    void theIssuesMetricNamesAreAllCatalogued() {
        Set<String> families = new TreeSet<>();
        MetricsCatalogue.all().forEach(s -> families.add(s.prometheusName()));
        assertThat(families).contains("psi_score", "kl_divergence", "missing_value_rate", "outlier_percentage",
                "anomaly_rate", "prediction_distribution", "input_feature_distribution", "model_accuracy",
                "model_precision", "model_recall", "model_f1_score", "model_latency_seconds", "model_error_rate",
                "anomaly_count_total", "false_positive_rate", "llm_generation_seconds", "llm_tokens_generated",
                "embedding_duration_ms", "qdrant_search_latency_ms");
    }

    @Test
    void wrongTypesAndLabelSetsAreRefused() {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        assertThatThrownBy(() -> MetricsCatalogue.counter(registry, MetricsCatalogue.PSI_SCORE, Tags.empty()))
                .hasMessageContaining("\"psi_score\" is a GAUGE, not a COUNTER");
        assertThatThrownBy(() -> MetricsCatalogue.counter(registry, MetricsCatalogue.ANOMALY_COUNT, Tags.of("model", "m")))
                .hasMessageContaining("takes exactly the labels [model, version, variant]");
    }
}
