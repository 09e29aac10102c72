package dev.anomalyops.drift.ops;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.anomalyops.drift.metrics.MetricsCatalogue;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The four Grafana dashboards: valid JSON, the expected panels, sound layout, and only metrics we export. */
class GrafanaDashboardsTest {
    static final ObjectMapper STRICT = JsonMapper.builder().enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS).build();

    static final Map<String, List<String>> EXPECTED_PANELS = Map.of(
            "model-performance.json", List.of("Accuracy, precision, recall, F1 (feedback labels)", "Latency p50 / p95 / p99",
                    "Throughput", "Error rate", "Anomaly rate", "Firing alerts"),
            "data-drift.json", List.of("PSI per feature", "KL divergence per feature", "Jensen-Shannon divergence per feature",
                    "Missing value rate", "Outlier percentage (outside training Tukey fences)",
                    "Production vs training distribution: $feature", "Prediction distribution: production vs training"),
            "ab-testing.json", List.of("Traffic split", "p95 latency by variant", "Error rate by variant",
                    "Anomaly rate by variant", "Anomaly-rate difference, canary vs stable (z-score over the time range)",
                    "Significant at 5%?"),
            "llm.json", List.of("Generation time p50 / p95", "Qdrant search latency p50 / p95", "Tokens generated per second",
                    "Embedding time p50 / p95", "GPU utilisation"));

    static List<Path> dashboardFiles() throws Exception {
        try (Stream<Path> files = Files.list(Monitoring.dashboards())) {
            return files.filter(p -> p.toString().endsWith(".json")).sorted().toList();
        }
    }

    /** Every PromQL expression of a dashboard: panel targets, variable queries and annotation queries. */
    static List<String> expressions(JsonNode dashboard) {
        List<String> exprs = new ArrayList<>();
        for (JsonNode panel : dashboard.get("panels")) {
            for (JsonNode target : panel.path("targets")) {
                exprs.add(target.get("expr").asText());
            }
        }
        for (JsonNode variable : dashboard.path("templating").path("list")) {
            exprs.add(variable.get("definition").asText());
        }
        for (JsonNode annotation : dashboard.path("annotations").path("list")) {
            exprs.add(annotation.get("expr").asText());
        }
        return exprs;
    }

    @Test
    void theFourDashboardsAreValidJsonWithTheExpectedPanels() throws Exception {
        assertThat(dashboardFiles()).extracting(p -> p.getFileName().toString())
                .containsExactlyInAnyOrderElementsOf(EXPECTED_PANELS.keySet());
        String datasourceUid = Monitoring.YAML.readTree(Monitoring.dir()
                .resolve("grafana/provisioning/datasources/prometheus.yaml").toFile()).get("datasources").get(0).get("uid").asText();
        Set<String> uids = new HashSet<>();
        for (Path file : dashboardFiles()) {
            JsonNode d = STRICT.readTree(Files.readAllBytes(file));
            String name = file.getFileName().toString();
            assertThat(d.get("uid").asText()).as(name + " uid").hasSizeBetween(8, 40).matches("[a-z0-9-]+");
            assertThat(uids.add(d.get("uid").asText())).as(name + " uid is unique").isTrue();
            assertThat(d.get("title").asText()).startsWith("AnomalyOps / ");
            assertThat(d.has("id") && !d.get("id").isNull()).as(name + ": provisioned dashboards carry no id").isFalse();
            assertThat(d.get("schemaVersion").asInt()).isGreaterThanOrEqualTo(36);
            List<String> titles = new ArrayList<>();
            Set<Integer> ids = new HashSet<>();
            for (JsonNode panel : d.get("panels")) {
                titles.add(panel.get("title").asText());
                assertThat(ids.add(panel.get("id").asInt())).as(name + " panel ids are unique").isTrue();
                JsonNode grid = panel.get("gridPos");
                assertThat(grid.get("x").asInt() + grid.get("w").asInt()).as(name + " / " + panel.get("title")).isLessThanOrEqualTo(24);
                assertThat(grid.get("h").asInt()).isPositive();
                assertThat(panel.get("datasource").get("uid").asText()).isEqualTo(datasourceUid);
                Set<String> refIds = new HashSet<>();
                assertThat(panel.get("targets")).as(name + " / " + panel.get("title") + " targets").isNotEmpty();
                for (JsonNode target : panel.get("targets")) {
                    assertThat(refIds.add(target.get("refId").asText())).isTrue();
                    assertThat(target.get("expr").asText()).isNotBlank();
                    assertThat(target.get("datasource").get("uid").asText()).isEqualTo(datasourceUid);
                }
            }
            assertThat(titles).as(name).containsAll(EXPECTED_PANELS.get(name));
        }
    }

    @Test
    void everyMetricQueriedIsOneWeExport() throws Exception {
        Set<String> known = new HashSet<>(MetricsCatalogue.prometheusSeries());
        Monitoring.ruleNodes().values().stream().filter(r -> r.has("record")).forEach(r -> known.add(r.get("record").asText()));
        known.add("ALERTS"); // written by Prometheus for the rules above
        Set<String> queried = new HashSet<>();
        for (Path file : dashboardFiles()) {
            for (String expr : expressions(STRICT.readTree(Files.readAllBytes(file)))) {
                Set<String> names = PromQl.metricNames(expr);
                assertThat(names).as(file.getFileName() + ": " + expr).isNotEmpty().isSubsetOf(known);
                queried.addAll(names);
            }
        }
        // The dashboards cover the platform's metrics, not a corner of them.
        assertThat(queried).contains("psi_score", "kl_divergence", "js_divergence", "missing_value_rate", "outlier_percentage",
                "anomaly_rate", "prediction_distribution", "input_feature_distribution", "model_accuracy", "model_precision",
                "model_recall", "model_f1_score", "false_positive_rate", "model_latency_seconds_bucket", "model_requests_total",
                "model_error_rate", "anomaly_count_total", "llm_generation_seconds_bucket", "llm_tokens_generated_sum",
                "embedding_duration_ms_bucket", "qdrant_search_latency_ms_bucket", "nv_gpu_utilization");
    }

    @Test
    void theMetricNameFinderSeesThroughPromQl() {
        assertThat(PromQl.metricNames("histogram_quantile(0.95, sum by (le, variant) (rate(model_latency_seconds_bucket{model=\"$model\"}[$__rate_interval])))"))
                .containsExactly("model_latency_seconds_bucket");
        assertThat(PromQl.metricNames("sum by (variant) (rate(a_total[5m])) / ignoring (variant) group_left sum(rate(b_total[5m])) > bool 1e-3"))
                .containsExactly("a_total", "b_total");
        assertThat(PromQl.metricNames("label_values(psi_score{model=\"$model\"}, feature)")).containsExactly("psi_score");
        assertThat(PromQl.metricNames("group by (model) (psi_score) and on () (day_of_week() == 0)")).containsExactly("psi_score");
    }

    @Test
    void provisioningPointsAtTheDashboardsFolder() throws Exception {
        JsonNode providers = Monitoring.YAML.readTree(Monitoring.dir().resolve("grafana/provisioning/dashboards/anomalyops.yaml").toFile());
        JsonNode provider = providers.get("providers").get(0);
        assertThat(provider.get("type").asText()).isEqualTo("file");
        assertThat(provider.get("options").get("foldersFromFilesStructure").asBoolean()).isTrue();
        assertThat(providers.get("apiVersion").asInt()).isEqualTo(1);
    }
}
