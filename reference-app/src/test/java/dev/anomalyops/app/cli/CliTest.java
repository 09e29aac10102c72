package dev.anomalyops.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.anomalyops.core.model.ModelBundle;
import dev.anomalyops.core.testing.TestBundles;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The registry commands end to end through the real command line parser, as a script would call them. */
class CliTest {
    @TempDir
    Path temp;

    private record Run(int exitCode, String out, String err) {
        JsonNode json() throws Exception {
            return Output.mapper().readTree(out);
        }
    }

    private Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = AnomalyOpsCli.execute(args, new PrintWriter(out), new PrintWriter(err));
        return new Run(code, out.toString(), err.toString());
    }

    @Test
    void registersPromotesAndRollsBack() throws Exception {
        String registry = temp.resolve("registry").toString();
        ModelBundle one = TestBundles.write(temp.resolve("one"), "cpu", 1);
        ModelBundle two = TestBundles.write(temp.resolve("two"), "cpu", 2);
        two.writeArchive(temp.resolve("two.zip"));

        Run first = run("register", one.directory().toString(), "--registry", registry, "--tag", "run=a", "--json");
        assertThat(first.exitCode()).as(first.err()).isZero();
        assertThat(first.json().get("ref").asText()).isEqualTo("cpu/1");
        assertThat(first.json().get("tags").get("run").asText()).isEqualTo("a");

        Run second = run("register", temp.resolve("two.zip").toString(), "--registry", registry, "--alias", "staging",
                "--json");
        assertThat(second.json().get("version").asInt()).isEqualTo(2);
        assertThat(second.json().get("alias").asText()).isEqualTo("staging");

        assertThat(run("promote", "cpu", "1", "--alias", "production", "--registry", registry).exitCode()).isZero();
        Run promote = run("promote", "cpu", "2", "--alias", "production", "--registry", registry, "--json");
        assertThat(promote.json().get("previous").asInt()).isEqualTo(1);
        assertThat(promote.json().get("current").asInt()).isEqualTo(2);

        Run rollback = run("rollback", "cpu", "--alias", "production", "--registry", registry);
        assertThat(rollback.exitCode()).isZero();
        assertThat(rollback.out()).contains("cpu@production: version 2 -> version 1");

        Run versions = run("versions", "cpu", "--registry", registry, "--json");
        assertThat(versions.json().get("versions")).hasSize(2);
        assertThat(versions.json().get("aliases").get("production").asInt()).isEqualTo(1);
        assertThat(versions.json().get("aliases").get("staging").asInt()).isEqualTo(2);
        assertThat(run("versions", "--registry", registry, "--json").json().get("models").get(0).asText())
                .isEqualTo("cpu");
    }

    @Test
    void inspectsBundlesAndFailsWithOneLineReasons() throws Exception {
        ModelBundle bundle = TestBundles.write(temp.resolve("b"), "cpu", 3);
        Run inspect = run("bundle", "inspect", bundle.directory().toString(), "--json");
        assertThat(inspect.exitCode()).isZero();
        assertThat(inspect.json().get("bundleChecksum").asText()).isEqualTo(bundle.checksum());
        assertThat(inspect.json().get("schema").get("features")).hasSize(4);

        Run missing = run("bundle", "inspect", temp.resolve("nope").toString());
        assertThat(missing.exitCode()).isEqualTo(AnomalyOpsCli.BAD_INPUT);
        assertThat(missing.err().strip()).startsWith("anomalyops: Model bundle").doesNotContain("\n");

        Run unknownVersion = run("promote", "cpu", "9", "--registry", temp.resolve("empty").toString());
        assertThat(unknownVersion.exitCode()).isEqualTo(AnomalyOpsCli.NOT_FOUND);

        Run usage = run("promote", "cpu");
        assertThat(usage.exitCode()).isEqualTo(2);
        assertThat(usage.err()).startsWith("anomalyops: Missing required parameter");
    }

    @Test
    void everyCommandHasHelp() {
        for (String command : new String[] {"bundle", "register", "promote", "rollback", "versions", "label"}) {
            Run help = run(command, "--help");
            assertThat(help.exitCode()).as(command).isZero();
            assertThat(help.out()).as(command).startsWith("Usage: anomalyops " + command);
        }
    }
}
