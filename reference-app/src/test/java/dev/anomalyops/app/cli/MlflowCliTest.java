package dev.anomalyops.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.anomalyops.core.model.ModelBundle;
import dev.anomalyops.core.testing.TestBundles;
import dev.anomalyops.registry.mlflow.testing.FakeMlflowServer;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The registry commands pointed at an MLflow server with {@code --registry mlflow+http://...} and MLflow's
 * own credential variables, end to end through the command line parser. The server is
 * {@link FakeMlflowServer}, an in-process stand-in for MLflow (MLflow itself cannot run here).
 */
class MlflowCliTest {
    @TempDir
    Path temp;

    private final Map<String, String> environment = new HashMap<>();

    private record Run(int exitCode, String out, String err) {
        JsonNode json() throws Exception {
            return Output.mapper().readTree(out);
        }
    }

    @BeforeEach
    void useTestEnvironment() {
        RegistryOption.environment = environment::get;
    }

    @AfterEach
    void restoreEnvironment() {
        RegistryOption.environment = System::getenv;
    }

    private Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = AnomalyOpsCli.execute(args, new PrintWriter(out), new PrintWriter(err));
        return new Run(code, out.toString(), err.toString());
    }

    @Test
    void registersPromotesAndRollsBackWithATokenFromTheEnvironment() throws Exception {
        try (FakeMlflowServer server = FakeMlflowServer.builder().bearerToken("tok-123").start()) {
            environment.put("MLFLOW_TRACKING_TOKEN", "tok-123");
            environment.put("MLFLOW_EXPERIMENT_NAME", "sre-models");
            String registry = "mlflow+" + server.uri();
            ModelBundle one = TestBundles.write(temp.resolve("one"), "cpu", 1);
            ModelBundle two = TestBundles.write(temp.resolve("two"), "cpu", 2);

            Run first = run("register", one.directory().toString(), "--registry", registry, "--tag", "run=a", "--json");
            assertThat(first.exitCode()).as(first.err()).isZero();
            assertThat(first.json().get("ref").asText()).isEqualTo("cpu/1");
            Run second = run("register", two.directory().toString(), "--registry", registry, "--alias", "staging",
                    "--json");
            assertThat(second.exitCode()).as(second.err()).isZero();
            assertThat(second.json().get("version").asInt()).isEqualTo(2);

            assertThat(run("promote", "cpu", "1", "--alias", "production", "--registry", registry).exitCode()).isZero();
            Run promote = run("promote", "cpu", "2", "--alias", "production", "--registry", registry, "--json");
            assertThat(promote.json().get("previous").asInt()).isEqualTo(1);
            Run rollback = run("rollback", "cpu", "--alias", "production", "--registry", registry);
            assertThat(rollback.exitCode()).as(rollback.err()).isZero();
            assertThat(rollback.out()).contains("cpu@production: version 2 -> version 1");

            Run versions = run("versions", "cpu", "--registry", registry, "--json");
            assertThat(versions.json().get("versions")).hasSize(2);
            assertThat(versions.json().get("versions").get(0).get("tags").get("run").asText()).isEqualTo("a");
            assertThat(versions.json().get("aliases").get("production").asInt()).isEqualTo(1);
            assertThat(versions.json().get("aliases").get("staging").asInt()).isEqualTo(2);

            assertThat(server.requests()).allSatisfy(r -> assertThat(r.authorization()).hasValue("Bearer tok-123"));
            assertThat(server.requests("POST", "experiments/create")).singleElement()
                    .satisfies(r -> assertThat(r.body()).contains("\"sre-models\""));
        }
    }

    @Test
    void prefersUserAndPasswordAndReadsOptionsFromTheQuery() throws Exception {
        try (FakeMlflowServer server = FakeMlflowServer.builder().basicAuth("ops", "s3cret").aliasEndpoints(false)
                .start()) {
            environment.put("MLFLOW_TRACKING_USERNAME", "ops");
            environment.put("MLFLOW_TRACKING_PASSWORD", "s3cret");
            environment.put("MLFLOW_TRACKING_TOKEN", "ignored-when-basic-is-set");
            String registry = "mlflow+" + server.uri() + "?experiment=legacy&aliases=stages";
            ModelBundle one = TestBundles.write(temp.resolve("one"), "cpu", 1);

            Run register = run("register", one.directory().toString(), "--registry", registry, "--alias", "production");
            assertThat(register.exitCode()).as(register.err()).isZero();
            Run versions = run("versions", "cpu", "--registry", registry, "--json");
            assertThat(versions.json().get("aliases").get("production").asInt()).isEqualTo(1);

            String basic = "Basic " + Base64.getEncoder().encodeToString("ops:s3cret".getBytes(StandardCharsets.UTF_8));
            assertThat(server.requests()).allSatisfy(r -> assertThat(r.authorization()).hasValue(basic));
            assertThat(server.requests("POST", "model-versions/transition-stage")).singleElement()
                    .satisfies(r -> assertThat(r.body()).contains("\"stage\":\"Production\""));
            assertThat(server.requests("POST", "experiments/create")).singleElement()
                    .satisfies(r -> assertThat(r.body()).contains("\"legacy\""));
        }
    }

    @Test
    void failsWithOneLineWhenCredentialsOrOptionsAreWrong() throws Exception {
        try (FakeMlflowServer server = FakeMlflowServer.builder().bearerToken("tok-123").start()) {
            String registry = "mlflow+" + server.uri();
            Run anonymous = run("versions", "--registry", registry);
            assertThat(anonymous.exitCode()).isEqualTo(AnomalyOpsCli.FAILED);
            assertThat(anonymous.err().strip()).startsWith("anomalyops: MLflow " + server.uri())
                    .contains("HTTP 401 UNAUTHENTICATED").contains("check the MLflow credentials")
                    .doesNotContain("\n");

            environment.put("MLFLOW_TRACKING_TOKEN", "wrong-token");
            Run wrong = run("versions", "--registry", registry);
            assertThat(wrong.exitCode()).isEqualTo(AnomalyOpsCli.FAILED);
            assertThat(wrong.err()).contains("HTTP 401").doesNotContain("wrong-token");

            environment.put("MLFLOW_TRACKING_USERNAME", "ops");
            Run half = run("versions", "--registry", registry + "?color=blue");
            assertThat(half.exitCode()).isEqualTo(AnomalyOpsCli.FAILED);
            assertThat(half.err()).contains("2 problems").contains("\"color\"")
                    .contains("MLFLOW_TRACKING_USERNAME and MLFLOW_TRACKING_PASSWORD must be set together");

            environment.remove("MLFLOW_TRACKING_USERNAME");
            Run unknown = run("promote", "cpu", "3", "--registry", "mlflow+http://user:pw@127.0.0.1:1");
            assertThat(unknown.exitCode()).isEqualTo(AnomalyOpsCli.FAILED);
            assertThat(unknown.err()).contains("carries credentials before the host").doesNotContain("pw@");
        }
    }
}
