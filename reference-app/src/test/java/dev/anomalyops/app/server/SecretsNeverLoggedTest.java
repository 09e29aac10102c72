package dev.anomalyops.app.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.anomalyops.drift.alertmanager.AlertmanagerWebhook;
import dev.anomalyops.triton.client.RetryPolicy;
import dev.anomalyops.triton.client.TritonClient;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * No secret reaches the logs or the metrics. Runs the server with admin and inference tokens, a webhook secret and a
 * TLS key; drives accepted and refused requests of every kind (HTTP and gRPC, wrong tokens, bad signatures, a token
 * rotation, a start with an invalid token file); captures everything logged meanwhile (slf4j-simple writes to
 * {@code System.err}; grpc-java logs through {@code java.util.logging}, captured with a handler) and the {@code
 * /metrics} scrape; then looks for every secret, and the wrong tokens clients presented, in all of it. Log levels are
 * the defaults the server runs with (INFO).
 */
class SecretsNeverLoggedTest {
    static final String ADMIN = "admin-secret-token-AAAA1111";
    static final String ROTATED = "admin-secret-token-BBBB2222";
    static final String INFERENCE = "inference-secret-token-CCCC3333";
    static final String WRONG = "guessed-token-that-may-be-real-DDDD4444";
    static final String SECRET = "webhook-hmac-secret-EEEE5555";
    static final String BAD_FILE_TOKEN = "short-FFFF";

    @TempDir
    Path temp;

    @Test
    void noSecretInLogsOrMetrics() throws Exception {
        TestCertificates certs = TestCertificates.get();
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        PrintStream originalErr = System.err;
        PrintStream originalOut = System.out;
        List<String> julRecords = new ArrayList<>();
        Handler jul = new Handler() {
            @Override
            public void publish(LogRecord record) {
                synchronized (julRecords) {
                    julRecords.add(record.getLoggerName() + " " + record.getMessage() + " "
                            + java.util.Arrays.toString(record.getParameters()) + " " + record.getThrown());
                }
            }

            @Override
            public void flush() {}

            @Override
            public void close() {}
        };
        Logger root = Logger.getLogger("");
        root.addHandler(jul);
        System.setErr(new PrintStream(new Tee(captured, originalErr), true, StandardCharsets.UTF_8));
        System.setOut(new PrintStream(new Tee(captured, originalOut), true, StandardCharsets.UTF_8));
        String metrics;
        try {
            metrics = drive(certs);
        } finally {
            System.setErr(originalErr);
            System.setOut(originalOut);
            root.removeHandler(jul);
        }
        String logs = captured.toString(StandardCharsets.UTF_8) + String.join("\n", julRecords);

        // The capture works: refusals and the rotation were logged.
        assertThat(logs).contains("Refused POST /v2/repository/index").contains("invalid_token")
                .contains("Reloaded the admin token file").contains("Refused an Alertmanager notification");
        assertThat(metrics).contains("anomalyops_auth_refused_total");
        String keyBody = certs.serverKeyBody();
        List<String> secrets = List.of(ADMIN, ROTATED, INFERENCE, WRONG, SECRET, BAD_FILE_TOKEN, keyBody,
                keyBody.substring(0, 32), keyBody.substring(keyBody.length() - 32));
        for (String secret : secrets) {
            assertThat(logs).as("logs").doesNotContain(secret);
            assertThat(metrics).as("metrics").doesNotContain(secret);
        }
    }

    /** Every kind of request, accepted and refused; returns the final metrics scrape. */
    private String drive(TestCertificates certs) throws Exception {
        Path adminFile = Files.writeString(temp.resolve("admin"), ADMIN + "\n");
        Path inferenceFile = Files.writeString(temp.resolve("inference"), INFERENCE + "\n");
        Path secretFile = Files.writeString(temp.resolve("secret"), SECRET + "\n");
        Path badFile = Files.writeString(temp.resolve("bad"), BAD_FILE_TOKEN + "\n");
        assertThatThrownBy(() -> new ServerFixture(temp.resolve("bad-server"), 1 << 20,
                OpsFixtureSupport.operations(temp.resolve("bad-state")),
                ServerSecurity.builder().adminTokenFile(badFile).build()))
                .satisfies(e -> System.err.println("start refused: " + e));
        try (ServerFixture fixture = new ServerFixture(temp.resolve("server"), 1 << 20,
                OpsFixtureSupport.operations(temp.resolve("state")), ServerSecurity.builder().adminTokenFile(adminFile)
                        .inferenceTokenFile(inferenceFile).webhookSecretFile(secretFile)
                        .tls(certs.serverCert, certs.serverKey).build())) {
            int port = fixture.server.port();
            HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                    .sslContext(certs.trustingCa()).build();
            String base = "https://localhost:" + port;
            for (String token : List.of(ADMIN, WRONG, INFERENCE)) {
                send(http, base + "/v2/repository/index", "{}", "Authorization", "Bearer " + token);
                send(http, base + "/v2/models/cpu-anomaly/infer", SecurityServerTest.ROW, "Authorization", "Bearer "
                        + token);
                send(http, base + "/admin/canary", "{\"model\":\"cpu-anomaly\",\"version\":9}", "Authorization",
                        "Bearer " + token);
            }
            send(http, base + "/v2/models/cpu-anomaly/infer", SecurityServerTest.ROW);
            send(http, base + "/v2/repository/models/cpu-anomaly/unload", "{}", "Authorization", "Basic " + WRONG);
            String body = "{\"version\":\"4\",\"alerts\":[]}";
            send(http, base + "/admin/alertmanager", body, "X-Hub-Signature-256", "sha256=" + AlertmanagerWebhook.sign(
                    SECRET.getBytes(StandardCharsets.UTF_8), body.getBytes(StandardCharsets.UTF_8)));
            send(http, base + "/admin/alertmanager", body, "X-Hub-Signature-256", "sha256=" + AlertmanagerWebhook.sign(
                    WRONG.getBytes(StandardCharsets.UTF_8), body.getBytes(StandardCharsets.UTF_8)));
            send(http, base + "/admin/alertmanager", body, "Authorization", "Bearer " + ADMIN);
            for (String token : List.of(ADMIN, WRONG, INFERENCE)) {
                try (TritonClient client = TritonClient.builder(URI.create("grpcs://localhost:" + port))
                        .trustCertificates(certs.caCert).bearerToken(token).retry(RetryPolicy.none())
                        .deadline(Duration.ofSeconds(30)).build()) {
                    swallow(() -> client.infer(SecurityServerTest.request()));
                    swallow(() -> client.repositoryIndex(false));
                    swallow(() -> client.unloadModel("no-such-model"));
                }
            }
            // Rotation: the new token works, the old one is refused, both reloads are logged.
            Files.writeString(adminFile, ROTATED + "\n");
            Files.setLastModifiedTime(adminFile, FileTime.from(Instant.now().plusSeconds(5)));
            Thread.sleep(1_100);
            send(http, base + "/v2/repository/index", "{}", "Authorization", "Bearer " + ROTATED);
            send(http, base + "/v2/repository/index", "{}", "Authorization", "Bearer " + ADMIN);
            Files.writeString(adminFile, BAD_FILE_TOKEN + "\n");
            Files.setLastModifiedTime(adminFile, FileTime.from(Instant.now().plusSeconds(10)));
            Thread.sleep(1_100);
            send(http, base + "/v2/repository/index", "{}", "Authorization", "Bearer " + ROTATED);
            return http.send(HttpRequest.newBuilder(URI.create(base + "/metrics")).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
        }
    }

    private static void send(HttpClient http, String url, String body, String... headers) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url))
                .POST(HttpRequest.BodyPublishers.ofString(body)).header("Content-Type", "application/json");
        for (int i = 0; i < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static void swallow(Runnable call) {
        try {
            call.run();
        } catch (RuntimeException e) {
            System.err.println("call failed: " + e); // what an application would log: must not carry the token
        }
    }

    /** Writes to the capture and to the original stream. */
    private static final class Tee extends OutputStream {
        private final OutputStream a;
        private final OutputStream b;

        Tee(OutputStream a, OutputStream b) {
            this.a = a;
            this.b = b;
        }

        @Override
        public synchronized void write(int c) throws java.io.IOException {
            a.write(c);
            b.write(c);
        }

        @Override
        public synchronized void write(byte[] bytes, int off, int len) throws java.io.IOException {
            a.write(bytes, off, len);
            b.write(bytes, off, len);
        }
    }

}
