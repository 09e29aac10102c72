package dev.anomalyops.app.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.anomalyops.drift.alertmanager.AlertmanagerWebhook;
import dev.anomalyops.triton.InferRequest;
import dev.anomalyops.triton.Tensor;
import dev.anomalyops.triton.client.RetryPolicy;
import dev.anomalyops.triton.client.TritonClient;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The reference server with admin tokens (two, from a file), inference tokens and a webhook secret, over HTTP and
 * gRPC: admin endpoints (the v2 repository API and {@code /admin/*}) need an admin token, inference needs an inference
 * or admin token, health and metrics stay open, the webhook takes only HMAC-signed requests, refusals are counted by
 * reason. A second server shows the defaults (admin off: 403 / PERMISSION_DENIED) and a third the rate limit.
 */
class SecurityServerTest {
    static final String ADMIN_1 = "admin-token-one-0123456789abcdef";
    static final String ADMIN_2 = "admin-token-two-0123456789abcdef";
    static final String INFERENCE = "inference-token-0123456789abcdef";
    static final byte[] SECRET = "webhook-hmac-secret-0123456789".getBytes(StandardCharsets.UTF_8);
    static final String ROW = "{\"inputs\":[{\"name\":\"input\",\"shape\":[1,6],\"datatype\":\"FP32\","
            + "\"data\":[0.1,0.2,0.3,0.4,0.5,0.6]}]}";

    @TempDir
    static Path temp;

    static ServerFixture secured;
    static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @BeforeAll
    static void start() throws Exception {
        Path admin = Files.writeString(temp.resolve("admin-tokens"), "# rotated weekly\n" + ADMIN_1 + "\n\n" + ADMIN_2
                + "\n");
        Path inference = Files.writeString(temp.resolve("inference-tokens"), INFERENCE + "\n");
        Path secret = Files.write(temp.resolve("webhook-secret"), (new String(SECRET, StandardCharsets.UTF_8) + "\n")
                .getBytes(StandardCharsets.UTF_8));
        secured = new ServerFixture(temp.resolve("secured"), 1 << 20, OpsFixtureSupport.operations(temp.resolve("s")),
                ServerSecurity.builder().adminTokenFile(admin).inferenceTokenFile(inference).webhookSecretFile(secret)
                        .adminRateLimit(1000, 1000).build());
    }

    @AfterAll
    static void stop() {
        secured.close();
    }

    static HttpResponse<String> send(int port, String method, String path, String body, String... headers)
            throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body));
        for (int i = 0; i < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    static String bearer(String token) {
        return "Bearer " + token;
    }

    @Test
    void modelControlNeedsAnAdminTokenOverHttp() throws Exception {
        int port = secured.server.port();
        String unload = "/v2/repository/models/cpu-anomaly/unload";
        HttpResponse<String> anonymous = send(port, "POST", unload, "{}");
        assertThat(anonymous.statusCode()).isEqualTo(401);
        assertThat(anonymous.headers().firstValue("www-authenticate")).hasValue("Bearer realm=\"anomalyops\"");
        assertThat(anonymous.body()).contains("\"error\"");
        assertThat(send(port, "POST", unload, "{}", "Authorization", bearer(INFERENCE)).statusCode()).isEqualTo(401);
        assertThat(send(port, "POST", unload, "{}", "Authorization", bearer(ADMIN_1 + "x")).statusCode()).isEqualTo(401);
        assertThat(send(port, "POST", unload, "{}", "Authorization", "Basic " + ADMIN_1).statusCode()).isEqualTo(401);
        // The model is still loaded: nothing got through.
        assertThat(send(port, "GET", "/v2/models/cpu-anomaly/ready", null, "Authorization", bearer(INFERENCE))
                .statusCode()).isEqualTo(200);

        assertThat(send(port, "POST", unload, "{}", "Authorization", bearer(ADMIN_2)).statusCode()).isEqualTo(200);
        assertThat(send(port, "GET", "/v2/models/cpu-anomaly/ready", null, "Authorization", bearer(INFERENCE))
                .statusCode()).isNotEqualTo(200);
        assertThat(send(port, "POST", "/v2/repository/models/cpu-anomaly/load", "{}", "Authorization", bearer(ADMIN_1))
                .statusCode()).isEqualTo(200);
        assertThat(send(port, "POST", "/v2/repository/index", "{}", "Authorization", bearer(ADMIN_1)).body())
                .contains("cpu-anomaly");
        // Other spellings of the path reach the same guard.
        assertThat(send(port, "POST", "/v2//repository/models/cpu-anomaly/unload", "{}").statusCode())
                .isIn(400, 401, 404);
        assertThat(send(port, "GET", "/admin/ab/cpu-anomaly", null).statusCode()).isEqualTo(401);
        assertThat(send(port, "GET", "/admin/ab/cpu-anomaly", null, "Authorization", bearer(ADMIN_1)).statusCode())
                .isEqualTo(404); // authenticated: the model simply has no A/B test
    }

    @Test
    void modelControlNeedsAnAdminTokenOverGrpc() {
        int port = secured.server.port();
        try (TritonClient anonymous = grpc(port, null); TritonClient user = grpc(port, INFERENCE);
                TritonClient operator = grpc(port, ADMIN_1)) {
            assertThatThrownBy(() -> anonymous.unloadModel("cpu-anomaly")).hasMessageContaining("UNAUTHENTICATED");
            assertThatThrownBy(() -> user.unloadModel("cpu-anomaly")).hasMessageContaining("UNAUTHENTICATED");
            assertThatThrownBy(() -> user.repositoryIndex(false)).hasMessageContaining("UNAUTHENTICATED");
            assertThat(operator.repositoryIndex(false)).isNotEmpty();
            assertThat(user.modelReady("cpu-anomaly", "")).isTrue();
        }
    }

    @Test
    void inferenceNeedsATokenWhileHealthAndMetricsStayOpen() throws Exception {
        int port = secured.server.port();
        String infer = "/v2/models/cpu-anomaly/infer";
        assertThat(send(port, "POST", infer, ROW).statusCode()).isEqualTo(401);
        assertThat(send(port, "POST", infer, ROW, "Authorization", bearer("not-a-token-at-all-000")).statusCode())
                .isEqualTo(401);
        assertThat(send(port, "POST", infer, ROW, "Authorization", bearer(INFERENCE)).statusCode()).isEqualTo(200);
        assertThat(send(port, "POST", infer, ROW, "Authorization", bearer(ADMIN_2)).statusCode()).isEqualTo(200);
        assertThat(send(port, "GET", "/v2/models/cpu-anomaly", null).statusCode()).isEqualTo(401);
        assertThat(send(port, "POST", "/feedback", "{}").statusCode()).isEqualTo(401);
        assertThat(send(port, "GET", "/v2/health/live", null).statusCode()).isEqualTo(200);
        assertThat(send(port, "GET", "/v2/health/ready", null).statusCode()).isEqualTo(200);
        assertThat(send(port, "GET", "/metrics", null).body())
                .contains("anomalyops_auth_refused_total{endpoint=\"inference\",reason=\"missing_token\"}")
                .contains("anomalyops_auth_refused_total{endpoint=\"inference\",reason=\"invalid_token\"}");

        try (TritonClient anonymous = grpc(port, null); TritonClient user = grpc(port, INFERENCE)) {
            assertThat(anonymous.serverLive()).isTrue(); // probes need no token
            assertThatThrownBy(() -> anonymous.infer(request())).hasMessageContaining("UNAUTHENTICATED");
            assertThat(user.infer(request()).outputs()).isNotEmpty();
        }
    }

    @Test
    void theWebhookTakesOnlySignedNotificationsOnceASecretIsSet() throws Exception {
        int port = secured.server.port();
        String path = "/admin/alertmanager";
        String body = """
                {"version":"4","groupKey":"g","status":"firing","alerts":[{"status":"firing",
                 "labels":{"alertname":"ModelDataDrift","model":"cpu-anomaly","action":"retrain"},
                 "startsAt":"2026-11-29T09:00:00Z","fingerprint":"f1"}]}""";
        String signature = "sha256=" + AlertmanagerWebhook.sign(SECRET, body.getBytes(StandardCharsets.UTF_8));
        assertThat(send(port, "POST", path, body, "Content-Type", "application/json").statusCode()).isEqualTo(401);
        assertThat(send(port, "POST", path, body, "Content-Type", "application/json", "Authorization", bearer(ADMIN_1))
                .statusCode()).isEqualTo(401);
        assertThat(send(port, "POST", path, body.replace("cpu-anomaly", "strict"), "Content-Type", "application/json",
                "X-Hub-Signature-256", signature).statusCode()).isEqualTo(401);
        HttpResponse<String> signed = send(port, "POST", path, body, "Content-Type", "application/json",
                "X-Hub-Signature-256", signature);
        assertThat(signed.statusCode()).as(signed.body()).isEqualTo(200);
        assertThat(signed.body()).contains("\"action\":\"retrain\"");
        // Replayed: authentic, but the alert was handled already.
        assertThat(send(port, "POST", path, body, "Content-Type", "application/json", "X-Hub-Signature-256",
                signature).body()).contains("\"duplicates\":1");
    }

    @Test
    void byDefaultTheAdminApiIsOff(@TempDir Path dir) throws Exception {
        try (ServerFixture open = new ServerFixture(dir, 1 << 20, OpsFixtureSupport.operations(dir.resolve("s")),
                ServerSecurity.none())) {
            int port = open.server.port();
            HttpResponse<String> admin = send(port, "POST", "/v2/repository/models/cpu-anomaly/unload", "{}",
                    "Authorization", bearer(ADMIN_1));
            assertThat(admin.statusCode()).isEqualTo(403);
            assertThat(admin.body()).contains("admin API is disabled");
            assertThat(send(port, "POST", "/admin/canary", "{}").statusCode()).isEqualTo(403);
            assertThat(send(port, "POST", "/admin/alertmanager", "{}").statusCode()).isEqualTo(403);
            try (TritonClient client = grpc(port, ADMIN_1)) {
                assertThatThrownBy(() -> client.repositoryIndex(false)).hasMessageContaining("PERMISSION_DENIED");
                assertThat(client.infer(request()).outputs()).isNotEmpty(); // inference is open by default
            }
            assertThat(send(port, "POST", "/v2/models/cpu-anomaly/infer", ROW).statusCode()).isEqualTo(200);
        }
    }

    @Test
    void adminCallsBeyondTheRateLimitGet429(@TempDir Path dir) throws Exception {
        Path admin = Files.writeString(dir.resolve("admin-tokens"), ADMIN_1 + "\n");
        try (ServerFixture limited = new ServerFixture(dir, 1 << 20, OpsFixtureSupport.operations(dir.resolve("s")),
                ServerSecurity.builder().adminTokenFile(admin).adminRateLimit(0.01, 5).build())) {
            int port = limited.server.port();
            List<Integer> statuses = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                // Wrong tokens count too: guessing is rate-limited.
                statuses.add(send(port, "POST", "/v2/repository/index", "{}", "Authorization",
                        bearer(i % 2 == 0 ? ADMIN_1 : "wrong-token-0123456789abcdef")).statusCode());
            }
            assertThat(statuses.subList(0, 5)).containsExactly(200, 401, 200, 401, 200);
            assertThat(statuses.subList(5, 8)).containsOnly(429);
            HttpResponse<String> limitedResponse = send(port, "POST", "/v2/repository/index", "{}", "Authorization",
                    bearer(ADMIN_1));
            assertThat(limitedResponse.headers().firstValue("retry-after")).isPresent();
            try (TritonClient client = grpc(port, ADMIN_1)) {
                assertThatThrownBy(() -> client.repositoryIndex(false)).hasMessageContaining("RESOURCE_EXHAUSTED");
            }
            // Inference is not an admin call: unaffected.
            assertThat(send(port, "POST", "/v2/models/cpu-anomaly/infer", ROW).statusCode()).isEqualTo(200);
            assertThat(send(port, "GET", "/metrics", null).body())
                    .contains("anomalyops_auth_refused_total{endpoint=\"admin\",reason=\"rate_limited\"} 5.0");
        }
    }

    static InferRequest request() {
        return InferRequest.builder("cpu-anomaly").input(Tensor.fp32("input", new long[] {1, 6},
                new float[] {0.1f, 0.2f, 0.3f, 0.4f, 0.5f, 0.6f})).build();
    }

    static TritonClient grpc(int port, String token) {
        TritonClient.Builder builder = TritonClient.builder(URI.create("grpc://127.0.0.1:" + port))
                .retry(RetryPolicy.none());
        if (token != null) {
            builder.bearerToken(token);
        }
        return builder.build();
    }
}
