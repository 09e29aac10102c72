package dev.anomalyops.drift.ops;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.anomalyops.core.FeatureSchema;
import dev.anomalyops.core.scoring.FeatureBatch;
import dev.anomalyops.drift.DriftMonitor;
import dev.anomalyops.drift.FeedbackTracker;
import dev.anomalyops.drift.ProfileOptions;
import dev.anomalyops.drift.ReferenceProfile;
import dev.anomalyops.drift.alertmanager.AlertmanagerWebhook;
import dev.anomalyops.drift.metrics.ServingMetrics;
import dev.anomalyops.drift.trigger.TriggerAction;
import dev.anomalyops.drift.trigger.TriggerDecision;
import dev.anomalyops.drift.trigger.TriggerRules;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * End to end with the real Prometheus from Debian (and Alertmanager when installed), on loopback: Prometheus scrapes
 * {@code /metrics} served from our Micrometer registry while two {@link DriftMonitor}s receive traffic, one drifted
 * and one like the training data; it evaluates the production rule file with the drift rule's {@code for:}
 * shortened from 1h to 8s. Through Prometheus' HTTP API the test sees the drift alert go pending, then firing, for
 * the drifted model only; Alertmanager then delivers it to the webhook handler, which authenticates the call and
 * turns it into a retrain decision. Every Grafana dashboard query is also run against this Prometheus so that a
 * PromQL syntax error in a dashboard fails the build.
 *
 * <p>The reference inference server does not exist yet, so {@link MetricsServer} (JDK HTTP server) serves the two
 * routes; once it does, this test should start it instead.
 */
class PrometheusIntegrationTest {
    static final String TOKEN = "integration-test-token-0123456789";
    static final Duration SHORT_FOR = Duration.ofSeconds(8);

    @TempDir
    Path tmp;

    final HttpClient http = HttpClient.newHttpClient();
    final ObjectMapper json = new ObjectMapper();

    @Test
    void prometheusScrapesOurMetricsAndTheDriftAlertFiresAndReachesTheWebhook() throws Exception {
        Path prometheus = Monitoring.requireTool("prometheus", "prometheus");
        Optional<Path> alertmanager = Monitoring.tool("prometheus-alertmanager", "alertmanager");

        // The served side: two monitored models, serving and feedback meters, the webhook.
        FeatureSchema schema = FeatureSchema.of("cpu_user", "mem_used", "disk_io", "net_in", "load1");
        SplittableRandom random = new SplittableRandom(3);
        FeatureBatch training = batch(schema, 20_000, 0, random);
        ReferenceProfile profile = ReferenceProfile.learn(training, null, ProfileOptions.defaults());
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        DriftMonitor drifting = DriftMonitor.builder(profile, "drifting", "1").window(Duration.ofSeconds(20)).panes(4)
                .minimumRows(200).refreshInterval(Duration.ofMillis(200)).build();
        DriftMonitor steady = DriftMonitor.builder(profile, "steady", "1").window(Duration.ofSeconds(20)).panes(4)
                .minimumRows(200).refreshInterval(Duration.ofMillis(200)).build();
        drifting.bindTo(registry);
        steady.bindTo(registry);
        ServingMetrics serving = ServingMetrics.builder(registry, "drifting", "1").variant("canary").build();
        FeedbackTracker feedback = FeedbackTracker.builder("drifting", "1").minimumLabels(1).build();
        feedback.bindTo(registry);
        BlockingQueue<TriggerDecision> decisions = new LinkedBlockingQueue<>();
        AlertmanagerWebhook webhook = AlertmanagerWebhook.builder(decisions::add).bearerToken(TOKEN).build();

        ScheduledExecutorService traffic = Executors.newSingleThreadScheduledExecutor();
        List<Process> processes = new ArrayList<>();
        try (MetricsServer server = new MetricsServer(registry, webhook)) {
            traffic.scheduleAtFixedRate(() -> {
                drifting.record(batch(schema, 200, 0.8, random), null);
                steady.record(batch(schema, 200, 0, random), null);
                serving.recordSuccess(Duration.ofMillis(3), 200, 2);
                feedback.record(0.9, true);
            }, 0, 250, TimeUnit.MILLISECONDS);

            int prometheusPort = freePort();
            int alertmanagerPort = freePort();
            Path rules = shortenedRules();
            Files.writeString(tmp.resolve("prometheus.yml"), """
                    global:
                      scrape_interval: 1s
                      evaluation_interval: 1s
                    rule_files: ['%s']
                    alerting:
                      alertmanagers:
                        - static_configs:
                            - targets: ['127.0.0.1:%d']
                    scrape_configs:
                      - job_name: anomalyops
                        static_configs:
                          - targets: ['127.0.0.1:%d']
                    """.formatted(rules, alertmanagerPort, server.port()));
            if (alertmanager.isPresent()) {
                Files.writeString(tmp.resolve("alertmanager.yml"), """
                        route:
                          receiver: default
                          group_by: ['alertname', 'model', 'version']
                          group_wait: 1s
                          group_interval: 1s
                          repeat_interval: 1h
                          routes:
                            - receiver: anomalyops-triggers
                              matchers: ['action =~ ".+"']
                        receivers:
                          - name: default
                          - name: anomalyops-triggers
                            webhook_configs:
                              - url: http://127.0.0.1:%d/alertmanager/webhook
                                send_resolved: false
                                http_config:
                                  authorization:
                                    type: Bearer
                                    credentials: %s
                        """.formatted(server.port(), TOKEN));
                processes.add(start(tmp.resolve("alertmanager.log"), alertmanager.get().toString(),
                        "--config.file=" + tmp.resolve("alertmanager.yml"), "--storage.path=" + tmp.resolve("am-data"),
                        "--web.listen-address=127.0.0.1:" + alertmanagerPort, "--cluster.listen-address=",
                        "--log.level=warn"));
            }
            processes.add(start(tmp.resolve("prometheus.log"), prometheus.toString(),
                    "--config.file=" + tmp.resolve("prometheus.yml"), "--storage.tsdb.path=" + tmp.resolve("prom-data"),
                    "--web.listen-address=127.0.0.1:" + prometheusPort, "--log.level=warn"));
            String api = "http://127.0.0.1:" + prometheusPort;
            waitUntil(Duration.ofSeconds(60), () -> status(api + "/-/ready") == 200, "Prometheus ready", tmp.resolve("prometheus.log"));
            waitUntil(Duration.ofSeconds(30), () -> targetHealth(api).equals("up"), "the /metrics target is up",
                    tmp.resolve("prometheus.log"));

            // Pending first (the condition holds, for: not yet met), then firing; only the drifted model.
            List<String> states = new ArrayList<>();
            long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
            while (System.nanoTime() < deadline && !states.contains("firing")) {
                for (JsonNode alert : get(api + "/api/v1/alerts").get("data").get("alerts")) {
                    JsonNode labels = alert.get("labels");
                    if (labels.get("alertname").asText().equals(TriggerRules.DATA_DRIFT)) {
                        assertThat(labels.get("model").asText()).as("only the drifted model alerts").isEqualTo("drifting");
                        assertThat(labels.get("action").asText()).isEqualTo("retrain");
                        String state = alert.get("state").asText();
                        if (states.isEmpty() || !states.get(states.size() - 1).equals(state)) {
                            states.add(state);
                        }
                    }
                }
                Thread.sleep(250);
            }
            assertThat(states).as("states of %s seen through /api/v1/alerts", TriggerRules.DATA_DRIFT)
                    .containsExactly("pending", "firing");

            // Prometheus holds the same PSI the monitor computes.
            double scraped = get(api + "/api/v1/query?query=" + encode("psi_score{model=\"drifting\",feature=\"cpu_user\"}"))
                    .get("data").get("result").get(0).get("value").get(1).asDouble();
            assertThat(scraped).isGreaterThan(0.3);
            double steadyPsi = get(api + "/api/v1/query?query=" + encode("max(psi_score{model=\"steady\",feature!=\"__prediction__\"})"))
                    .get("data").get("result").get(0).get("value").get(1).asDouble();
            assertThat(steadyPsi).isLessThan(0.1);

            // Every dashboard query parses and evaluates in this Prometheus.
            for (Path file : GrafanaDashboardsTest.dashboardFiles()) {
                for (String expr : GrafanaDashboardsTest.expressions(json.readTree(file.toFile()))) {
                    String query = grafanaVariables(expr);
                    JsonNode answer = get(api + "/api/v1/query?query=" + encode(query));
                    assertThat(answer.get("status").asText()).as(file.getFileName() + ": " + query).isEqualTo("success");
                }
            }

            if (alertmanager.isPresent()) {
                TriggerDecision decision = decisions.poll(60, TimeUnit.SECONDS);
                assertThat(decision).as("a decision from Alertmanager's webhook call (log: %s)",
                        readQuietly(tmp.resolve("alertmanager.log"))).isNotNull();
                assertThat(decision.action()).isEqualTo(TriggerAction.RETRAIN);
                assertThat(decision.model()).isEqualTo("drifting");
                assertThat(decision.rule()).isEqualTo(TriggerRules.DATA_DRIFT);
                assertThat(decision.reason()).startsWith("Data drift on drifting v1: largest feature PSI");
            }
        } finally {
            traffic.shutdownNow();
            for (Process process : processes) {
                process.destroy();
                if (!process.waitFor(10, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                }
            }
            drifting.close();
            steady.close();
            serving.close();
            feedback.close();
        }
    }

    /** The production rule file with the drift rule's {@code for:} shortened, so the test runs in seconds. */
    Path shortenedRules() throws IOException {
        JsonNode root = Monitoring.YAML.readTree(Monitoring.rules().toFile());
        boolean found = false;
        for (JsonNode group : root.get("groups")) {
            for (JsonNode rule : group.get("rules")) {
                if (rule.path("alert").asText().equals(TriggerRules.DATA_DRIFT)) {
                    assertThat(TriggerRulesConsistencyTest.duration(rule.get("for").asText())).isEqualTo(TriggerRules.DATA_DRIFT_FOR);
                    ((ObjectNode) rule).put("for", SHORT_FOR.toSeconds() + "s");
                    found = true;
                }
            }
        }
        assertThat(found).isTrue();
        Path file = tmp.resolve("rules.yml");
        Monitoring.YAML.writeValue(file.toFile(), root);
        return file;
    }

    static FeatureBatch batch(FeatureSchema schema, int rows, double shift, SplittableRandom random) {
        float[] values = new float[rows * schema.size()];
        for (int i = 0; i < values.length; i++) {
            values[i] = (float) (random.nextDouble() + random.nextDouble() + shift);
        }
        return FeatureBatch.wrap(schema, values, rows);
    }

    static String grafanaVariables(String expr) {
        // Grafana's label_values(selector, label) variable query is not PromQL; the equivalent query is.
        expr = expr.replaceAll("^label_values\\((.*),\\s*([a-zA-Z_][a-zA-Z0-9_]*)\\)$", "group by ($2) ($1)");
        return expr.replace("$__rate_interval", "1m").replace("$__range", "5m").replace("$llm_model", ".*")
                .replace("$model", "drifting").replace("$feature", "cpu_user");
    }

    static Process start(Path log, String... command) throws IOException {
        return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    int status(String url) {
        try {
            return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5)).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    JsonNode get(String url) throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
        return json.readTree(response.body());
    }

    String targetHealth(String api) {
        try {
            Set<String> health = new LinkedHashSet<>();
            for (JsonNode target : get(api + "/api/v1/targets").get("data").get("activeTargets")) {
                health.add(target.get("health").asText());
            }
            return String.join(",", health);
        } catch (IOException e) {
            return "unreachable";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        }
    }

    interface Check {
        boolean ok() throws Exception;
    }

    static void waitUntil(Duration timeout, Check check, String what, Path log) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (check.ok()) {
                return;
            }
            Thread.sleep(200);
        }
        throw new AssertionError("Timed out after " + timeout + " waiting for " + what + "; log:\n" + readQuietly(log));
    }

    static String readQuietly(Path log) {
        try {
            return Files.exists(log) ? Files.readString(log) : "(no log)";
        } catch (IOException e) {
            return "(unreadable: " + e + ")";
        }
    }

    static String encode(String query) {
        return URLEncoder.encode(query, StandardCharsets.UTF_8);
    }
}
