package dev.anomalyops.app.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.anomalyops.triton.client.RetryPolicy;
import dev.anomalyops.triton.client.TritonClient;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * TLS and mutual TLS on the reference server's one port, with certificates made at test time ({@link
 * TestCertificates}): clients that trust the CA are served over HTTPS and gRPC; plaintext and clients that do not
 * trust the server are refused; with mutual TLS, clients without a certificate or with one the CA did not sign are
 * refused too.
 */
class TlsServerTest {
    @TempDir
    static Path temp;

    static TestCertificates certs;
    static ServerFixture tls;
    static ServerFixture mutual;

    @BeforeAll
    static void start() throws Exception {
        certs = TestCertificates.get();
        tls = new ServerFixture(temp.resolve("tls"), 1 << 20, OpsFixtureSupport.operations(temp.resolve("s1")),
                ServerSecurity.builder().tls(certs.serverCert, certs.serverKey).build());
        mutual = new ServerFixture(temp.resolve("mtls"), 1 << 20, OpsFixtureSupport.operations(temp.resolve("s2")),
                ServerSecurity.builder().tls(certs.serverCert, certs.serverKey).clientCa(certs.caCert).build());
    }

    @AfterAll
    static void stop() {
        tls.close();
        mutual.close();
    }

    static TritonClient.Builder client(String scheme, int port) {
        return TritonClient.builder(URI.create(scheme + "://localhost:" + port)).retry(RetryPolicy.none())
                .deadline(Duration.ofSeconds(30));
    }

    @Test
    void clientsThatTrustTheCaAreServedOverHttpsAndGrpc() {
        int port = tls.server.port();
        for (String scheme : new String[] {"https", "grpcs"}) {
            try (TritonClient client = client(scheme, port).trustCertificates(certs.caCert).build()) {
                assertThat(client.serverReady()).as(scheme).isTrue();
                assertThat(client.infer(SecurityServerTest.request()).outputs()).as(scheme).isNotEmpty();
            }
        }
    }

    @Test
    void plaintextIsRefusedOnATlsPort() {
        int port = tls.server.port();
        HttpClient plain = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        assertThatThrownBy(() -> plain.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                + "/v2/health/live")).timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString()))
                .isInstanceOf(IOException.class).isNotInstanceOf(HttpTimeoutException.class);
        try (TritonClient grpc = client("grpc", port).build(); TritonClient http = client("http", port).build()) {
            assertThatThrownBy(() -> grpc.infer(SecurityServerTest.request())).isNotNull();
            assertThatThrownBy(() -> http.infer(SecurityServerTest.request())).isNotNull();
        }
    }

    @Test
    void aClientThatDoesNotTrustTheServerRefusesIt() {
        int port = tls.server.port();
        // The JVM's default trust store does not hold the test CA; the rogue certificate is not the server's CA.
        try (TritonClient defaults = client("https", port).build();
                TritonClient wrongCa = client("grpcs", port).trustCertificates(certs.rogueCert).build()) {
            assertThatThrownBy(defaults::serverReady).isNotNull();
            assertThatThrownBy(wrongCa::serverReady).isNotNull();
        }
    }

    @Test
    void mutualTlsServesClientsWithACertificateFromTheCa() {
        int port = mutual.server.port();
        for (String scheme : new String[] {"https", "grpcs"}) {
            try (TritonClient client = client(scheme, port).trustCertificates(certs.caCert)
                    .clientCertificate(certs.clientCert, certs.clientKey).build()) {
                assertThat(client.infer(SecurityServerTest.request()).outputs()).as(scheme).isNotEmpty();
            }
        }
    }

    @Test
    void mutualTlsRefusesClientsWithoutOrWithTheWrongCertificate() {
        int port = mutual.server.port();
        for (String scheme : new String[] {"https", "grpcs"}) {
            try (TritonClient none = client(scheme, port).trustCertificates(certs.caCert).build();
                    TritonClient rogue = client(scheme, port).trustCertificates(certs.caCert)
                            .clientCertificate(certs.rogueCert, certs.rogueKey).build()) {
                assertThatThrownBy(() -> none.infer(SecurityServerTest.request())).as(scheme).isNotNull();
                assertThatThrownBy(() -> rogue.infer(SecurityServerTest.request())).as(scheme).isNotNull();
            }
        }
        // The server still serves the right client afterwards.
        try (TritonClient good = client("grpcs", port).trustCertificates(certs.caCert)
                .clientCertificate(certs.clientCert, certs.clientKey).build()) {
            assertThat(good.serverReady()).isTrue();
        }
    }
}
