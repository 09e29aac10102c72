package dev.anomalyops.drift.trigger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.anomalyops.core.ConfigurationException;
import dev.anomalyops.core.NonRetriableException;
import dev.anomalyops.core.RetriableException;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Against a local HTTP endpoint that checks the request as GitHub's REST API would (path, method, bearer token,
 * API version header, JSON body with a ref and string inputs) and answers as GitHub does. The real
 * api.github.com cannot be reached from CI, and a dispatch there would start a real workflow.
 */
class GitHubActionsRetrainTriggerTest {
    static final String TOKEN = "ghp_test_0123456789abcdef";
    final List<String> problems = new CopyOnWriteArrayList<>();
    final List<JsonNode> bodies = new CopyOnWriteArrayList<>();
    volatile int status = 204;
    volatile String answer = "";
    HttpServer github;
    HttpServer elsewhere;
    final List<String> elsewhereHits = new CopyOnWriteArrayList<>();

    @BeforeEach
    void start() throws IOException {
        github = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        github.createContext("/", this::githubLike);
        github.start();
        elsewhere = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        elsewhere.createContext("/", exchange -> {
            elsewhereHits.add(exchange.getRequestHeaders().getFirst("Authorization"));
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        elsewhere.start();
    }

    @AfterEach
    void stop() {
        github.stop(0);
        elsewhere.stop(0);
    }

    private void githubLike(HttpExchange exchange) throws IOException {
        byte[] body = exchange.getRequestBody().readAllBytes();
        String path = exchange.getRequestURI().getPath();
        if (!exchange.getRequestMethod().equals("POST")) {
            problems.add("method " + exchange.getRequestMethod());
        }
        if (!path.equals("/repos/acme/anomaly-models/actions/workflows/retrain.yml/dispatches")) {
            problems.add("path " + path);
        }
        if (!("Bearer " + TOKEN).equals(exchange.getRequestHeaders().getFirst("Authorization"))) {
            problems.add("authorization " + exchange.getRequestHeaders().getFirst("Authorization"));
        }
        if (!"2022-11-28".equals(exchange.getRequestHeaders().getFirst("X-GitHub-Api-Version"))) {
            problems.add("api version header");
        }
        if (!"application/vnd.github+json".equals(exchange.getRequestHeaders().getFirst("Accept"))) {
            problems.add("accept header");
        }
        if (!exchange.getRequestHeaders().getFirst("Content-Type").startsWith("application/json")) {
            problems.add("content type");
        }
        JsonNode json = new ObjectMapper().readTree(body);
        bodies.add(json);
        byte[] out = answer.getBytes(StandardCharsets.UTF_8);
        if (status == 302) {
            exchange.getResponseHeaders().add("Location", "http://127.0.0.1:" + elsewhere.getAddress().getPort() + "/steal");
        }
        exchange.sendResponseHeaders(status, out.length == 0 ? -1 : out.length);
        if (out.length > 0) {
            exchange.getResponseBody().write(out);
        }
        exchange.close();
    }

    GitHubActionsRetrainTrigger trigger() {
        return GitHubActionsRetrainTrigger.builder()
                .apiUrl(URI.create("http://127.0.0.1:" + github.getAddress().getPort() + "/"))
                .repository("acme", "anomaly-models").workflow("retrain.yml").ref("release")
                .token(() -> TOKEN).build();
    }

    static RetrainRequest request() {
        return new RetrainRequest("cpu-anomaly", "7", "ModelDataDrift: psi 0.41", Map.of(), Instant.EPOCH, "am|g|f|t|retrain");
    }

    @Test
    void dispatchesTheWorkflowWithRefAndStringInputs() {
        RetrainResult result = trigger().trigger(request());
        assertThat(problems).isEmpty();
        assertThat(result.status()).isEqualTo(RetrainResult.Status.DISPATCHED);
        JsonNode body = bodies.get(0);
        assertThat(body.get("ref").asText()).isEqualTo("release");
        JsonNode inputs = body.get("inputs");
        assertThat(inputs.size()).isLessThanOrEqualTo(10);
        inputs.properties().forEach(e -> assertThat(e.getValue().isTextual()).as(e.getKey()).isTrue());
        assertThat(inputs.get("model").asText()).isEqualTo("cpu-anomaly");
        assertThat(inputs.get("version").asText()).isEqualTo("7");
        assertThat(inputs.get("reason").asText()).isEqualTo("ModelDataDrift: psi 0.41");
        assertThat(inputs.get("dedupe_key").asText()).isEqualTo("am|g|f|t|retrain");
    }

    @Test
    void newerApiRunDetailsAreReported() {
        status = 200;
        answer = "{\"workflow_run_id\": 1234567, \"run_url\": \"https://api.github.com/x\"}";
        assertThat(trigger().trigger(request()).id()).isEqualTo("run-1234567");
    }

    @Test
    void refusalsAreNonRetriableAndOutagesRetriable() {
        status = 404;
        answer = "{\"message\":\"Not Found\",\"documentation_url\":\"https://docs.github.com/rest\"}";
        assertThatThrownBy(() -> trigger().trigger(request())).isInstanceOf(NonRetriableException.class)
                .hasMessageContaining("HTTP 404").hasMessageContaining("Not Found");
        status = 422;
        answer = "{\"message\":\"Unexpected inputs provided: [\\\"dedupe_key\\\"]\"}";
        assertThatThrownBy(() -> trigger().trigger(request())).isInstanceOf(NonRetriableException.class)
                .hasMessageContaining("Unexpected inputs");
        status = 503;
        answer = "upstream unavailable";
        assertThatThrownBy(() -> trigger().trigger(request())).isInstanceOf(RetriableException.class)
                .hasMessageContaining("HTTP 503");
        github.stop(0);
        assertThatThrownBy(() -> trigger().trigger(request())).isInstanceOf(RetriableException.class)
                .hasMessageContaining("Cannot reach GitHub");
    }

    @Test
    void theTokenIsNeverSentToARedirectTarget() {
        status = 302;
        assertThatThrownBy(() -> trigger().trigger(request())).isInstanceOf(NonRetriableException.class)
                .hasMessageContaining("HTTP 302");
        assertThat(elsewhereHits).isEmpty();
    }

    @Test
    void badSettingsAreListedTogether() {
        assertThatThrownBy(() -> GitHubActionsRetrainTrigger.builder().repository("acme", "a/b").workflow("").ref(" ")
                .apiUrl(URI.create("ftp://x")).build())
                .isInstanceOfSatisfying(ConfigurationException.class, e -> assertThat(e.violations()).hasSize(4));
    }
}
