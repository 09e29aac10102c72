package dev.anomalyops.triton.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.anomalyops.core.ConfigurationException;
import dev.anomalyops.triton.internal.PemTls;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The client's TLS settings fail early and clearly: certificates with a plaintext scheme, missing or unusable PEM
 * files, PKCS#1 keys (with the command that converts them). Handshakes against a real TLS server are tested in
 * reference-app ({@code TlsServerTest}, {@code ReferenceServerInteropTest}).
 */
class ClientTlsSettingsTest {
    @TempDir
    Path temp;

    @Test
    void certificatesNeedATlsScheme() throws Exception {
        Path ca = Files.writeString(temp.resolve("ca.pem"), "x");
        assertThatThrownBy(() -> TritonClient.builder(URI.create("http://localhost:8000")).trustCertificates(ca).build())
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("https:// or grpcs://");
        assertThatThrownBy(() -> TritonClient.builder(URI.create("ftp://localhost:8000")).build())
                .hasMessageContaining("grpc://, grpcs://, http:// or https://");
    }

    @Test
    void pemProblemsAreNamed() throws Exception {
        assertThatThrownBy(() -> PemTls.trustManagers(temp.resolve("missing.pem")))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("does not exist");
        Path empty = Files.writeString(temp.resolve("empty.pem"), "no certificate here\n");
        assertThatThrownBy(() -> PemTls.trustManagers(empty)).hasMessageContaining("holds no PEM certificate");
        Path pkcs1 = Files.writeString(temp.resolve("rsa.key"),
                "-----BEGIN RSA PRIVATE KEY-----\nMIIBOgIBAAJBAKj34GkxFhD90vcNLYLInFEX6Ppy1tPf9Cnzj4p4WGeKLs1Pt8Qu\n"
                        + "-----END RSA PRIVATE KEY-----\n");
        assertThatThrownBy(() -> PemTls.privateKey(pkcs1)).hasMessageContaining("openssl pkcs8 -topk8 -nocrypt");
        assertThatThrownBy(() -> PemTls.keyManagers(empty, null)).hasMessageContaining("both its certificate chain");
        assertThat(PemTls.keyManagers(null, null)).isEmpty();
        assertThat(PemTls.trustManagers(null)).isNotEmpty(); // the JVM's defaults
    }
}
