package dev.anomalyops.app.server;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.anomalyops.core.NotFoundException;
import dev.anomalyops.core.scoring.Scorer;
import dev.anomalyops.triton.InferRequest;
import dev.anomalyops.triton.InferResponse;
import dev.anomalyops.triton.InvalidRequestException;
import dev.anomalyops.triton.Tensor;
import dev.anomalyops.triton.client.InferStream;
import dev.anomalyops.triton.client.TritonClient;
import dev.anomalyops.triton.V2ClientContract;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
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

        @Override
        protected boolean streaming() {
            return this instanceof Grpc || this instanceof GrpcMutualTls;
        }
    }

    @Nested
    class Grpc extends Suite {
        @Override
        TritonClient create(int port) {
            return TritonClient.builder(URI.create("grpc://127.0.0.1:" + port)).bearerToken(ADMIN).build();
        }

        /** Our server sends the failure's code with a stream error, so stream failures map as unary ones do. */
        @Test
        void streamFailuresKeepTheirKind() {
            int features = fixture.local.model().schema().size();
            try (InferStream stream = client().openStream()) {
                CompletableFuture<InferResponse> bad = stream.infer(InferRequest.builder(model())
                        .input(Tensor.int64("input", new long[] {1, features}, new long[features])).build());
                CompletableFuture<InferResponse> unknown = stream.infer(InferRequest.builder("no-such-model")
                        .input(Tensor.fp32("input", new long[] {1, features}, new float[features])).build());
                assertThatThrownBy(() -> TritonClient.await(bad)).isInstanceOf(InvalidRequestException.class)
                        .hasMessageContaining("INT64");
                assertThatThrownBy(() -> TritonClient.await(unknown)).isInstanceOf(NotFoundException.class)
                        .hasMessageContaining("no-such-model");
            }
        }
    }

    @Nested
    class HttpBinary extends Suite {
        @Override
        TritonClient create(int port) {
            return TritonClient.builder(URI.create("http://127.0.0.1:" + port)).bearerToken(ADMIN).build();
        }

        /** Nothing listens: the client's request threads map the refused connection to a retriable failure. */
        @Test
        void aServerThatIsDownIsUnavailable() throws Exception {
            int port;
            try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
                port = socket.getLocalPort();
            }
            try (TritonClient down = TritonClient.builder(URI.create("http://127.0.0.1:" + port))
                    .deadline(java.time.Duration.ofSeconds(2)).build()) {
                assertThatThrownBy(down::serverLive).isInstanceOf(dev.anomalyops.core.RetriableException.class)
                        .hasMessageContaining("127.0.0.1:" + port);
            }
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
