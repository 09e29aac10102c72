package dev.anomalyops.app.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.anomalyops.core.model.ModelBundle;
import dev.anomalyops.core.registry.FileModelRegistry;
import dev.anomalyops.core.scoring.ScorerOptions;
import dev.anomalyops.rollout.CanaryPolicy;
import dev.anomalyops.triton.server.ScoringInferenceService;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Monitoring on the reference server (issue 9, server side): drift gauges of a bundle with a training reference,
 * serving metrics and feedback quality on {@code /metrics}, checked as Prometheus text by Debian's
 * {@code promtool check metrics} and scraped by a real Prometheus (Debian package) whose HTTP API then reports the
 * drifted feature; and the Alertmanager webhook on {@code /admin/alertmanager}, authenticated, turning a
 * {@code pause_canary} alert into a canary rollback. The Prometheus parts are skipped, with the reason, where the
 * package is not installed.
 */
class MonitoringServerTest {
    private static final String TOKEN = "monitoring-token";

    @TempDir
    static Path temp;

    static FileModelRegistry registry;
    static InferenceServer server;
    static OpsFixture.Http http;

    @BeforeAll
    static void start() throws Exception {
        ModelBundle bundle = OpsFixture.bundle(temp.resolve("v1"), "cpu", 21, true);
        registry = FileModelRegistry.open(temp.resolve("registry"));
        registry.register("cpu", bundle, Map.of());
        registry.register("cpu", OpsFixture.bundle(temp.resolve("v2"), "cpu", 22, true), Map.of());
        registry.setAlias("cpu", "champion", 1);
        ReferenceServer.Operations operations = new ReferenceServer.Operations(temp.resolve("state"), TOKEN,
                CanaryPolicy.defaults(), Duration.ZERO, Map.of(), Duration.ofHours(1), Clock.systemUTC(), (v, s) -> s);
        server = ReferenceServer.start(registry, new ReferenceServer.Settings(0, List.of(), "champion",
                ScorerOptions.defaults(), ScoringInferenceService.Batching.OFF, Duration.ZERO, 8 << 20, 65_536, operations));
        http = new OpsFixture.Http(server.port(), TOKEN);
        // Drifted traffic: feature "a" shifted by three standard deviations, the others as in training.
        SplittableRandom random = new SplittableRandom(99);
        for (int i = 0; i < 3; i++) {
            HttpResponse<String> response = http.send("POST", "/v2/models/cpu/infer",
                    OpsFixture.inferBody(OpsFixture.gaussian(1000, 3f, random), 1000));
            assertThat(response.statusCode()).isEqualTo(200);
        }
    }

    @AfterAll
    static void stop() {
        server.close();
        registry.close();
    }

    /** @return the value of the first sample of {@code name} whose labels include all of {@code labels} */
    static double sample(String text, String name, Map<String, String> labels) {
        Pattern line = Pattern.compile("^" + Pattern.quote(name) + "\\{([^}]*)} (\\S+)$", Pattern.MULTILINE);
        Matcher m = line.matcher(text);
        while (m.find()) {
            Map<String, String> found = new HashMap<>();
            Matcher pair = Pattern.compile("(\\w+)=\"([^\"]*)\"").matcher(m.group(1));
            while (pair.find()) {
                found.put(pair.group(1), pair.group(2));
            }
            if (found.entrySet().containsAll(labels.entrySet())) {
                return Double.parseDouble(m.group(2));
            }
        }
        throw new AssertionError("No sample " + name + labels + " in the scrape");
    }

    @Test
    void metricsCarryDriftServingAndQualityFiguresInValidPrometheusText() throws Exception {
        String text = http.metrics();
        double psiA = sample(text, "psi_score", Map.of("model", "cpu", "version", "1", "feature", "a"));
        double psiB = sample(text, "psi_score", Map.of("model", "cpu", "version", "1", "feature", "b"));
        assertThat(psiA).as("PSI of the shifted feature").isGreaterThan(0.3);
        assertThat(psiB).as("PSI of an unshifted feature").isLessThan(0.1);
        assertThat(sample(text, "missing_value_rate", Map.of("model", "cpu", "feature", "a"))).isZero();
        assertThat(sample(text, "outlier_percentage", Map.of("model", "cpu", "feature", "a"))).isGreaterThan(10);
        assertThat(sample(text, "model_predictions_total", Map.of("model", "cpu", "version", "1", "variant", "stable")))
                .isEqualTo(3000.0);
        assertThat(sample(text, "model_requests_total", Map.of("model", "cpu", "version", "1", "variant", "stable",
                "outcome", "ok"))).isEqualTo(3.0);
        assertThat(text).contains("model_latency_seconds_bucket{").contains("kl_divergence{")
                .contains("anomaly_rate{").contains("anomaly_count_total{").contains("model_error_rate{")
                .contains("model_accuracy{");

        Path promtool = Path.of("/usr/bin/promtool");
        Assumptions.assumeTrue(Files.isExecutable(promtool), "promtool is not installed (Debian package prometheus)");
        Process check = new ProcessBuilder(promtool.toString(), "check", "metrics").redirectErrorStream(true).start();
        check.getOutputStream().write(text.getBytes(StandardCharsets.UTF_8));
        check.getOutputStream().close();
        String output = new String(check.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(check.waitFor(60, TimeUnit.SECONDS)).isTrue();
        // Exit 0 is clean, 3 lists lint advice (naming style); a text that does not parse is reported as an error.
        assertThat(output).doesNotContain("error while linting").doesNotContain("parse");
        assertThat(check.exitValue()).as(output).isIn(0, 3);
    }

    @Test
    void aRealPrometheusScrapesTheServerAndSeesTheDrift() throws Exception {
        Path binary = Path.of("/usr/bin/prometheus");
        Assumptions.assumeTrue(Files.isExecutable(binary), "prometheus is not installed (Debian package prometheus)");
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        Path dir = Files.createDirectories(temp.resolve("prometheus"));
        Files.writeString(dir.resolve("prometheus.yml"), """
                global:
                  scrape_interval: 1s
                scrape_configs:
                  - job_name: anomalyops
                    static_configs:
                      - targets: ["127.0.0.1:%d"]
                """.formatted(server.port()));
        Process prometheus = new ProcessBuilder(binary.toString(), "--config.file=" + dir.resolve("prometheus.yml"),
                "--storage.tsdb.path=" + dir.resolve("data"), "--web.listen-address=127.0.0.1:" + port, "--log.level=warn")
                .redirectErrorStream(true).redirectOutput(dir.resolve("prometheus.log").toFile()).start();
        try {
            OpsFixture.Http api = new OpsFixture.Http(port, TOKEN);
            String query = "/api/v1/query?query=" + URLEncoder.encode("psi_score{job=\"anomalyops\",model=\"cpu\","
                    + "feature=\"a\"}", StandardCharsets.UTF_8);
            JsonNode result = null;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (System.nanoTime() < deadline) {
                try {
                    JsonNode body = OpsFixture.JSON.readTree(api.send("GET", query, null).body());
                    if (body.path("data").path("result").size() > 0) {
                        result = body.path("data").path("result").get(0);
                        break;
                    }
                } catch (IOException notYetListening) {
                    // Prometheus is still starting.
                }
                Thread.sleep(250);
            }
            assertThat(result).as("Prometheus scraped psi_score within 60 s; log: %s",
                    Files.readString(dir.resolve("prometheus.log"))).isNotNull();
            assertThat(result.path("value").get(1).asDouble()).isGreaterThan(0.3);
            JsonNode targets = OpsFixture.JSON.readTree(api.send("GET", "/api/v1/targets", null).body());
            assertThat(targets.path("data").path("activeTargets").get(0).path("health").asText()).isEqualTo("up");
        } finally {
            prometheus.destroy();
            if (!prometheus.waitFor(10, TimeUnit.SECONDS)) {
                prometheus.destroyForcibly();
            }
        }
    }

    private static String alert(String action, String fingerprint) {
        return """
                {"receiver":"anomalyops","status":"firing","alerts":[
                  {"status":"firing","labels":{"alertname":"ModelErrorSpike","model":"cpu","action":"%s",
                     "severity":"page"},
                   "annotations":{"summary":"error rate 9%% on cpu"},
                   "startsAt":"2026-11-29T09:01:00Z","endsAt":"0001-01-01T00:00:00Z","fingerprint":"%s"}],
                 "groupLabels":{},"commonLabels":{},"commonAnnotations":{},"externalURL":"http://alertmanager:9093",
                 "version":"4","groupKey":"{}:{alertname=\\"ModelErrorSpike\\"}","truncatedAlerts":0}
                """.formatted(action, fingerprint);
    }

    @Test
    void anAuthenticatedAlertmanagerNotificationPausesTheCanary() throws Exception {
        http.admin("POST", "/admin/canary", "{\"model\":\"cpu\",\"version\":2}");
        assertThat(registry.resolve("cpu", "champion").orElseThrow().version()).isEqualTo(2);

        HttpResponse<String> anonymous = http.send("POST", "/admin/alertmanager", alert("pause_canary", "f1"));
        assertThat(anonymous.statusCode()).isEqualTo(401);
        HttpResponse<String> wrong = http.send("POST", "/admin/alertmanager", alert("pause_canary", "f1"),
                "Authorization", "Bearer not-the-token");
        assertThat(wrong.statusCode()).isEqualTo(401);
        assertThat(http.admin("GET", "/admin/canary/cpu", null).path("phase").asText()).isEqualTo("RUNNING");

        HttpResponse<String> accepted = http.send("POST", "/admin/alertmanager", alert("pause_canary", "f1"),
                "Authorization", "Bearer " + TOKEN);
        assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(200);
        JsonNode status = null;
        for (int i = 0; i < 100; i++) {
            status = http.admin("GET", "/admin/canary/cpu", null);
            if (!status.path("phase").asText().equals("RUNNING")) {
                break;
            }
            Thread.sleep(50);
        }
        assertThat(status.path("phase").asText()).isEqualTo("ROLLED_BACK");
        assertThat(status.path("reason").asText()).contains("ModelErrorSpike");
        assertThat(registry.resolve("cpu", "champion").orElseThrow().version()).isEqualTo(1);
        // The decision is counted on the trigger thread right after its handler returns: wait for the count too.
        String pattern = "retrain_triggers_total\\{action=\"pause_canary\",model=\"cpu\",outcome=\"accepted\"} 1.0";
        String metrics = http.metrics();
        for (int i = 0; i < 100 && !java.util.regex.Pattern.compile(pattern).matcher(metrics).find(); i++) {
            Thread.sleep(50);
            metrics = http.metrics();
        }
        assertThat(metrics).containsPattern(pattern);
    }
}
