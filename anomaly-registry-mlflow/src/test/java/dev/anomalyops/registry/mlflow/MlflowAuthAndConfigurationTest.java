package dev.anomalyops.registry.mlflow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.anomalyops.core.ConfigurationException;
import dev.anomalyops.core.NonRetriableException;
import dev.anomalyops.core.model.ModelBundle;
import dev.anomalyops.core.registry.Aliases;
import dev.anomalyops.core.registry.ModelVersion;
import dev.anomalyops.core.testing.TestBundles;
import dev.anomalyops.registry.mlflow.testing.FakeMlflowServer;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Credentials on the wire and in messages, and builder validation, against {@link FakeMlflowServer} (an
 * in-process stand-in for MLflow, which cannot run here) configured to demand a bearer token or MLflow
 * basic-auth credentials.
 */
class MlflowAuthAndConfigurationTest {
    private static final String TOKEN = "dapi-0123456789abcdef-secret";

    @TempDir
    Path temp;

    private ModelBundle bundle() {
        return TestBundles.write(temp.resolve("bundle-" + System.nanoTime()), "cpu", 1);
    }

    @Test
    void sendsTheBearerTokenWithEveryRequestArtifactsIncluded() throws Exception {
        try (FakeMlflowServer server = FakeMlflowServer.builder().bearerToken(TOKEN).start();
                MlflowModelRegistry registry = MlflowModelRegistry.builder(server.uri()).bearerToken(TOKEN)
                        .cacheDirectory(temp.resolve("cache")).build()) {
            ModelVersion version = registry.register("cpu", bundle(), Map.of());
            registry.setAlias("cpu", Aliases.CHAMPION, version.version());
            registry.open(registry.resolve("cpu", Aliases.CHAMPION).orElseThrow());
            assertThat(server.requests()).hasSizeGreaterThan(15)
                    .allSatisfy(r -> assertThat(r.authorization()).hasValue("Bearer " + TOKEN));
            assertThat(server.requests()).anySatisfy(r -> assertThat(r.method() + " " + r.endpoint())
                    .startsWith("GET artifacts/"));
            assertThat(registry.toString()).contains("bearer token").doesNotContain(TOKEN);
        }
    }

    @Test
    void sendsBasicCredentialsLikeMlflowsOwnClients() throws Exception {
        try (FakeMlflowServer server = FakeMlflowServer.builder().basicAuth("alice", "p@ss:word").start();
                MlflowModelRegistry registry = MlflowModelRegistry.builder(server.uri()).basicAuth("alice", "p@ss:word")
                        .cacheDirectory(temp.resolve("cache")).build()) {
            registry.register("cpu", bundle(), Map.of());
            String expected = "Basic " + Base64.getEncoder().encodeToString("alice:p@ss:word".getBytes(
                    StandardCharsets.UTF_8));
            assertThat(server.requests()).allSatisfy(r -> assertThat(r.authorization()).hasValue(expected));
            assertThat(registry.toString()).contains("basic auth").doesNotContain("alice").doesNotContain("p@ss");
        }
    }

    @Test
    void refusedCredentialsFailWithoutRevealingThem() throws Exception {
        try (FakeMlflowServer server = FakeMlflowServer.builder().basicAuth("alice", "right").start()) {
            try (MlflowModelRegistry wrong = MlflowModelRegistry.builder(server.uri()).basicAuth("alice", "wrong-pw")
                    .cacheDirectory(temp.resolve("cache")).build()) {
                assertThatThrownBy(wrong::models).isInstanceOf(NonRetriableException.class)
                        .hasMessageContaining("HTTP 401: You are not authenticated")
                        .hasMessageContaining("check the MLflow credentials")
                        .hasMessageNotContaining("wrong-pw");
            }
            try (MlflowModelRegistry none = MlflowModelRegistry.builder(server.uri())
                    .cacheDirectory(temp.resolve("cache")).build()) {
                assertThatThrownBy(none::models).isInstanceOf(NonRetriableException.class)
                        .hasMessageContaining("HTTP 401");
                assertThat(none.toString()).contains("no credentials");
            }
            assertThat(server.requests()).extracting(FakeMlflowServer.Request::authorization)
                    .contains(Optional.empty());
        }
        try (FakeMlflowServer server = FakeMlflowServer.builder().bearerToken(TOKEN).start();
                MlflowModelRegistry wrong = MlflowModelRegistry.builder(server.uri()).bearerToken("not-the-token")
                        .cacheDirectory(temp.resolve("cache")).build()) {
            assertThatThrownBy(() -> wrong.versions("cpu")).isInstanceOf(NonRetriableException.class)
                    .hasMessageContaining("HTTP 401 UNAUTHENTICATED")
                    .hasMessageNotContaining("not-the-token");
        }
    }

    @Test
    void reportsEveryConfigurationProblemAtOnce() {
        assertThatThrownBy(() -> MlflowModelRegistry.builder(URI.create("ftp://user:hunter2@mlflow.example.com/?x=1"))
                .bearerToken("tok en").basicAuth("a:b", "c").experiment(" ").maxAttempts(0).pageSize(5000)
                .requestTimeout(Duration.ZERO).retryBackoff(Duration.ofMillis(-1)).build())
                .isInstanceOf(ConfigurationException.class)
                .satisfies(e -> assertThat(((ConfigurationException) e).violations()).hasSize(11))
                .hasMessageContaining("must start with http:// or https://")
                .hasMessageContaining("carries credentials before the host")
                .hasMessageContaining("no query or fragment")
                .hasMessageContaining("both a bearer token and basic auth")
                .hasMessageContaining("bearer token is empty or holds characters")
                .hasMessageContaining("must not contain ':'")
                .hasMessageContaining("experiment was \" \"")
                .hasMessageContaining("maxAttempts was 0")
                .hasMessageContaining("pageSize was 5000")
                .hasMessageContaining("requestTimeout was PT0S")
                .hasMessageContaining("retryBackoff was PT-0.001S")
                .hasMessageNotContaining("hunter2")
                .hasMessageNotContaining("tok en");
        assertThatThrownBy(() -> MlflowModelRegistry.builder(URI.create("http:///no-host")).build())
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("names no host");
    }

    @Test
    void keepsAPathPrefixOfAReverseProxy() throws Exception {
        try (MlflowModelRegistry registry = MlflowModelRegistry.builder(URI.create("https://gw.example.com/mlflow/"))
                .bearerToken(TOKEN).experiment("fraud").build()) {
            assertThat(registry.toString()).isEqualTo("MlflowModelRegistry[https://gw.example.com/mlflow, experiment"
                    + " \"fraud\", bearer token, aliases]");
        }
    }
}
