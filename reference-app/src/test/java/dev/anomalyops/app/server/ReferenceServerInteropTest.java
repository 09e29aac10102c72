package dev.anomalyops.app.server;

import dev.anomalyops.core.scoring.Scorer;
import dev.anomalyops.triton.client.TritonClient;
import dev.anomalyops.triton.V2ClientContract;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.io.TempDir;

/**
 * The client's whole suite against the reference server: gRPC, HTTP with binary tensors, and plain HTTP/JSON, over
 * plaintext with bearer tokens (the suite unloads and loads models, which needs the admin token), and again over
 * mutual TLS with an inference token for gRPC and HTTPS.
 */
class ReferenceServerInteropTest {
    static final String ADMIN = "interop-admin-token-0123456789";
    static final String INFERENCE = "interop-inference-token-0123456789";

    @TempDir
    static Path temp;

    static ServerFixture fixture;
    static ServerFixture mutual;
    static TestCertificates certs;

    @BeforeAll
    static void start() throws Exception {
        Path admin = Files.writeString(temp.resolve("admin-tokens"), ADMIN + "\n");
        fixture = new ServerFixture(temp.resolve("plain"), 1 << 20, operations(temp.resolve("plain-state")),
                ServerSecurity.builder().adminTokenFile(admin).build());
        certs = TestCertificates.get();
        Path inference = Files.writeString(temp.resolve("inference-tokens"), INFERENCE + "\n");
        mutual = new ServerFixture(temp.resolve("mutual"), 1 << 20, operations(temp.resolve("mutual-state")),
                ServerSecurity.builder().adminTokenFile(admin).inferenceTokenFile(inference)
                        .tls(certs.serverCert, certs.serverKey).clientCa(certs.caCert).build());
    }

    private static ReferenceServer.Operations operations(Path state) {
        ReferenceServer.Operations d = ReferenceServer.Operations.defaults();
        return new ReferenceServer.Operations(state, null, d.canaryPolicy(), d.evaluateEvery(), d.abTests(),
                d.driftWindow(), d.clock(), d.scorerHook());
    }

    @AfterAll
    static void stop() {
        fixture.close();
        mutual.close();
    }

    abstract static class Suite extends V2ClientContract {
        private TritonClient client;

        abstract TritonClient create(int port);

        ServerFixture fixture() {
            return fixture;
        }

        @Override
        protected TritonClient client() {
            if (client == null) {
                client = create(fixture().server.port());
            }
            return client;
        }

        @Override
        protected String model() {
            return "cpu-anomaly";
        }

        @Override
        protected Scorer expected() {
            return fixture.local;
        }
    }

    @Nested
    class Grpc extends Suite {
        @Override
        TritonClient create(int port) {
            return TritonClient.builder(URI.create("grpc://127.0.0.1:" + port)).bearerToken(ADMIN).build();
        }
    }

    @Nested
    class HttpBinary extends Suite {
        @Override
        TritonClient create(int port) {
            return TritonClient.builder(URI.create("http://127.0.0.1:" + port)).bearerToken(ADMIN).build();
        }
    }

    @Nested
    class HttpJson extends Suite {
        @Override
        TritonClient create(int port) {
            return TritonClient.builder(URI.create("http://127.0.0.1:" + port)).binaryData(false).bearerToken(ADMIN)
                    .build();
        }
    }

    /** gRPC over mutual TLS; the admin token also opens inference (the suite unloads and loads the model). */
    @Nested
    class GrpcMutualTls extends Suite {
        @Override
        ServerFixture fixture() {
            return mutual;
        }

        @Override
        TritonClient create(int port) {
            return TritonClient.builder(URI.create("grpcs://localhost:" + port)).trustCertificates(certs.caCert)
                    .clientCertificate(certs.clientCert, certs.clientKey).bearerToken(ADMIN).build();
        }
    }

    @Nested
    class HttpsMutualTls extends Suite {
        @Override
        ServerFixture fixture() {
            return mutual;
        }

        @Override
        TritonClient create(int port) {
            return TritonClient.builder(URI.create("https://localhost:" + port)).trustCertificates(certs.caCert)
                    .clientCertificate(certs.clientCert, certs.clientKey).bearerToken(ADMIN).build();
        }
    }
}
