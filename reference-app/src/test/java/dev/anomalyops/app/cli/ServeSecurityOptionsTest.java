package dev.anomalyops.app.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.anomalyops.app.server.ServerSecurity;
import dev.anomalyops.core.ConfigurationException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code serve}'s security options become {@link ServerSecurity}; bad combinations fail before anything starts. */
class ServeSecurityOptionsTest {
    @TempDir
    Path temp;

    private ServeCommand parse(String... args) {
        ServeCommand command = new ServeCommand();
        new CommandLine(command).setCaseInsensitiveEnumValuesAllowed(true).parseArgs(args);
        return command;
    }

    @Test
    void theOptionsFillTheSecuritySettings() throws Exception {
        Path admin = Files.writeString(temp.resolve("admin"), "x");
        Path inference = Files.writeString(temp.resolve("inference"), "x");
        Path secret = Files.writeString(temp.resolve("secret"), "x");
        Path cert = Files.writeString(temp.resolve("cert.pem"), "x");
        Path key = Files.writeString(temp.resolve("key.pem"), "x");
        Path ca = Files.writeString(temp.resolve("ca.pem"), "x");
        ServerSecurity security = parse("--admin-token-file", admin.toString(), "--inference-token-file",
                inference.toString(), "--webhook-secret-file", secret.toString(), "--webhook-require-timestamp",
                "--admin-rate", "2.5", "--admin-burst", "7", "--tls-cert", cert.toString(), "--tls-key", key.toString(),
                "--tls-client-ca", ca.toString()).security();
        assertThat(security).isEqualTo(new ServerSecurity(admin, inference, secret, true, 2.5, 7,
                new ServerSecurity.Tls(cert, key, ca)));
        assertThat(security.tls().mutual()).isTrue();

        ServerSecurity defaults = parse().security();
        assertThat(defaults).isEqualTo(ServerSecurity.none());
        assertThat(defaults.tls()).isNull();
        assertThat(defaults.adminTokenFile()).isNull();
    }

    @Test
    void halfATlsSetupIsRefused() throws Exception {
        Path cert = Files.writeString(temp.resolve("cert.pem"), "x");
        assertThatThrownBy(() -> parse("--tls-cert", cert.toString()).security())
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("private key");
        assertThatThrownBy(() -> parse("--tls-client-ca", cert.toString()).security())
                .hasMessageContaining("needs TLS");
    }

    @Test
    void helpListsTheSecurityOptions() {
        StringWriter out = new StringWriter();
        AnomalyOpsCli.execute(new String[] {"serve", "--help"}, new PrintWriter(out), new PrintWriter(new StringWriter()));
        assertThat(out.toString()).contains("--admin-token-file").contains("--inference-token-file")
                .contains("--webhook-secret-file").contains("--tls-cert").contains("--tls-key").contains("--tls-client-ca")
                .contains("--admin-rate");
    }
}
