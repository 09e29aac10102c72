package dev.anomalyops.app.server;

import dev.anomalyops.core.scoring.Scorer;
import dev.anomalyops.triton.client.TritonClient;
import dev.anomalyops.triton.V2ClientContract;
import java.net.URI;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.io.TempDir;

/** The client's whole suite against the reference server: gRPC, HTTP with binary tensors, and plain HTTP/JSON. */
class ReferenceServerInteropTest {
    @TempDir
    static Path temp;

    static ServerFixture fixture;

    @BeforeAll
    static void start() throws Exception {
        fixture = new ServerFixture(temp, 1 << 20);
    }

    @AfterAll
    static void stop() {
        fixture.close();
    }

    abstract static class Suite extends V2ClientContract {
        private TritonClient client;

        abstract TritonClient create(int port);

        @Override
        protected TritonClient client() {
            if (client == null) {
                client = create(fixture.server.port());
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
            return TritonClient.builder(URI.create("grpc://127.0.0.1:" + port)).build();
        }
    }

    @Nested
    class HttpBinary extends Suite {
        @Override
        TritonClient create(int port) {
            return TritonClient.builder(URI.create("http://127.0.0.1:" + port)).build();
        }
    }

    @Nested
    class HttpJson extends Suite {
        @Override
        TritonClient create(int port) {
            return TritonClient.builder(URI.create("http://127.0.0.1:" + port)).binaryData(false).build();
        }
    }
}
