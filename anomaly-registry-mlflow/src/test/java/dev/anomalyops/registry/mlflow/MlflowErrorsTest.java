package dev.anomalyops.registry.mlflow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.anomalyops.core.NonRetriableException;
import dev.anomalyops.core.NotFoundException;
import dev.anomalyops.core.RetriableException;
import dev.anomalyops.core.testing.TestBundles;
import dev.anomalyops.registry.mlflow.testing.FakeMlflowServer;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * How MLflow's {@code error_code}s, HTTP statuses, proxy pages and transport failures become AnomalyOps
 * exceptions, and which requests are retried, against {@link FakeMlflowServer} (an in-process stand-in for
 * MLflow, which cannot run here) with injected faults.
 */
class MlflowErrorsTest {
    @TempDir
    Path temp;

    private FakeMlflowServer server;

    @BeforeEach
    void startServer() throws Exception {
        server = FakeMlflowServer.start();
    }

    @AfterEach
    void stopServer() {
        server.close();
    }

    private MlflowModelRegistry registry(int attempts) {
        return MlflowModelRegistry.builder(server.uri()).cacheDirectory(temp.resolve("cache")).maxAttempts(attempts)
                .retryBackoff(Duration.ofMillis(1)).build();
    }

    @ParameterizedTest(name = "HTTP {0} {1} -> {2}")
    @CsvSource({
        "404, RESOURCE_DOES_NOT_EXIST, NotFoundException",
        "404, NOT_FOUND, NotFoundException",
        "503, TEMPORARILY_UNAVAILABLE, RetriableException",
        "429, REQUEST_LIMIT_EXCEEDED, RetriableException",
        "429, RESOURCE_EXHAUSTED, RetriableException",
        "500, INTERNAL_ERROR, RetriableException",
        "504, DEADLINE_EXCEEDED, RetriableException",
        "409, ABORTED, RetriableException",
        "400, INVALID_PARAMETER_VALUE, NonRetriableException",
        "400, BAD_REQUEST, NonRetriableException",
        "401, UNAUTHENTICATED, NonRetriableException",
        "403, PERMISSION_DENIED, NonRetriableException",
        "409, RESOURCE_CONFLICT, NonRetriableException",
        "501, NOT_IMPLEMENTED, NonRetriableException",
        "404, ENDPOINT_NOT_FOUND, NonRetriableException"
    })
    void mapsErrorCodesToTheExceptionTree(int status, String code, String expected) {
        server.failNext("GET", "model-versions/search", status, code, 1);
        try (MlflowModelRegistry registry = registry(1)) {
            assertThatThrownBy(() -> registry.versions("cpu"))
                    .satisfies(e -> assertThat(e.getClass().getSimpleName()).isEqualTo(expected))
                    .hasMessageContaining("GET model-versions/search failed: HTTP " + status + " " + code)
                    .hasMessageContaining("Injected failure " + code)
                    .hasMessageContaining(server.uri().toString());
        }
    }

    @Test
    void aNotFoundIsAlsoANonRetriableFailure() {
        server.failNext("GET", "model-versions/search", 404, "RESOURCE_DOES_NOT_EXIST", 1);
        try (MlflowModelRegistry registry = registry(1)) {
            assertThatThrownBy(() -> registry.versions("cpu")).isInstanceOf(NotFoundException.class)
                    .isInstanceOf(NonRetriableException.class);
        }
    }

    @Test
    void credentialFailuresSayWhatToCheck() {
        server.failNext("GET", "model-versions/search", 403, "PERMISSION_DENIED", 1);
        try (MlflowModelRegistry registry = registry(1)) {
            assertThatThrownBy(() -> registry.versions("cpu")).isInstanceOf(NonRetriableException.class)
                    .hasMessageContaining("check the MLflow credentials");
        }
    }

    @Test
    void retriesIdempotentRequestsOnTransientFailures() {
        server.failNext("GET", "model-versions/search", 503, "TEMPORARILY_UNAVAILABLE", 2);
        try (MlflowModelRegistry registry = registry(3)) {
            assertThat(registry.versions("cpu")).isEmpty();
        }
        assertThat(server.requests("GET", "model-versions/search")).hasSize(3);

        server.failNext("GET", "model-versions/search", 429, "REQUEST_LIMIT_EXCEEDED", 3);
        try (MlflowModelRegistry registry = registry(3)) {
            assertThatThrownBy(() -> registry.versions("cpu")).isInstanceOf(RetriableException.class);
        }
        assertThat(server.requests("GET", "model-versions/search")).hasSize(6);
    }

    @Test
    void neverRepeatsACreationBlindly() {
        server.failNext("POST", "runs/create", 503, "TEMPORARILY_UNAVAILABLE", 1);
        try (MlflowModelRegistry registry = registry(5)) {
            assertThatThrownBy(() -> registry.register("cpu", TestBundles.write(temp.resolve("b"), "cpu", 1),
                    Map.of())).isInstanceOf(RetriableException.class).hasMessageContaining("POST runs/create");
        }
        assertThat(server.requests("POST", "runs/create")).hasSize(1);
    }

    @Test
    void doesNotRetryPermanentFailures() {
        server.failNext("GET", "model-versions/search", 400, "INVALID_PARAMETER_VALUE", 1);
        try (MlflowModelRegistry registry = registry(5)) {
            assertThatThrownBy(() -> registry.versions("cpu")).isInstanceOf(NonRetriableException.class);
        }
        assertThat(server.requests("GET", "model-versions/search")).hasSize(1);
    }

    @Test
    void readsStatusCodesOfProxiesThatAnswerWithoutMlflowBodies() {
        server.failNextWithBody("GET", "model-versions/search", 502, "text/html",
                "<html><head><title>502 Bad Gateway</title></head><body><h1>Bad Gateway</h1></body></html>", 1);
        try (MlflowModelRegistry registry = registry(1)) {
            assertThatThrownBy(() -> registry.versions("cpu")).isInstanceOf(RetriableException.class)
                    .hasMessageContaining("HTTP 502: 502 Bad Gateway Bad Gateway");
        }
    }

    @Test
    void aMissingEndpointIsReportedAsAWrongAddress() {
        try (MlflowModelRegistry registry = MlflowModelRegistry.builder(URI.create(server.uri() + "/not-mlflow"))
                .cacheDirectory(temp.resolve("cache")).build()) {
            assertThatThrownBy(() -> registry.versions("cpu")).isInstanceOf(NonRetriableException.class)
                    .isNotInstanceOf(NotFoundException.class)
                    .hasMessageContaining("HTTP 404")
                    .hasMessageContaining("is " + server.uri() + "/not-mlflow an MLflow tracking server");
        }
    }

    @Test
    void anUnreachableServerIsRetriable() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        try (MlflowModelRegistry registry = MlflowModelRegistry.builder(URI.create("http://127.0.0.1:" + closedPort))
                .cacheDirectory(temp.resolve("cache")).maxAttempts(2).retryBackoff(Duration.ofMillis(1)).build()) {
            assertThatThrownBy(() -> registry.models()).isInstanceOf(RetriableException.class)
                    .hasMessageContaining("could not reach the server");
        }
    }

    @Test
    void aFailedArtifactUploadFailsTheRegistrationAndTheRun() {
        server.failNext("PUT", "artifacts/", 403, "PERMISSION_DENIED", 1);
        try (MlflowModelRegistry registry = registry(1)) {
            assertThatThrownBy(() -> registry.register("cpu", TestBundles.write(temp.resolve("b"), "cpu", 1),
                    Map.of())).isInstanceOf(NonRetriableException.class).hasMessageContaining("PUT artifact");
            assertThat(registry.models()).isEmpty();
            assertThat(server.requests("POST", "model-versions/create")).isEmpty();
        }
        assertThat(server.requests("POST", "runs/update").get(0).body()).contains("\"status\":\"FAILED\"");
    }
}
