package dev.anomalyops.registry.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.anomalyops.core.NonRetriableException;
import dev.anomalyops.core.RetriableException;
import dev.anomalyops.core.model.ModelBundle;
import dev.anomalyops.core.registry.ModelRegistry;
import dev.anomalyops.core.registry.ModelVersion;
import dev.anomalyops.core.testing.ModelRegistryContract;
import dev.anomalyops.core.testing.TestBundles;
import dev.anomalyops.registry.s3.testing.S3ProxyServer;
import java.net.ServerSocket;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * The shared registry contract against {@link S3ModelRegistry}, talking over HTTP to a real S3-compatible
 * server (s3proxy) started on loopback; each test gets its own bucket.
 */
class S3ModelRegistryTest extends ModelRegistryContract {
    private static S3ProxyServer server;
    private static final AtomicInteger BUCKETS = new AtomicInteger();
    private final List<S3Client> clients = new ArrayList<>();
    private String bucket;

    @BeforeAll
    static void startServer() throws Exception {
        server = S3ProxyServer.start(null);
    }

    @AfterAll
    static void stopServer() throws Exception {
        server.close();
    }

    @Override
    protected ModelRegistry createRegistry() {
        bucket = "registry-" + BUCKETS.incrementAndGet();
        server.createBucket(bucket);
        return registryOnOwnClient();
    }

    private S3ModelRegistry registryOnOwnClient() {
        S3Client client = server.client();
        clients.add(client);
        return S3ModelRegistry.builder(client, bucket).prefix("models").cacheDirectory(temp.resolve("cache-"
                + clients.size())).closeClient(true).build();
    }

    @Test
    void twoRegistryInstancesWithTheirOwnClientsShareState() {
        ModelRegistry other = registryOnOwnClient();
        ModelVersion first = registry.register("cpu", bundle(1), Map.of());
        ModelVersion second = other.register("cpu", bundle(2), Map.of());
        assertThat(second.version()).isEqualTo(first.version() + 1);
        other.setAlias("cpu", "champion", 2);
        assertThat(registry.resolve("cpu", "champion")).map(ModelVersion::version).hasValue(2);
        assertThat(registry.open(second).checksum()).isEqualTo(second.bundleChecksum());
        other.close();
    }

    @Test
    void anUnreferencedBlobFromADeadWriterIsInvisible() {
        // A writer that uploaded its archive and died before claiming a number leaves only a blob.
        try (S3Client s3 = server.client()) {
            s3.putObject(PutObjectRequest.builder().bucket(bucket).key("models/cpu/blobs/deadbeef.zip").build(),
                    RequestBody.fromBytes(new byte[] {1, 2, 3}));
        }
        assertThat(registry.models()).isEmpty();
        ModelBundle bundle = TestBundles.write(temp.resolve("b"), "cpu", 5);
        assertThat(registry.register("cpu", bundle, Map.of()).version()).isEqualTo(1);
    }

    @Test
    void mapsAuthenticationAndConnectionFailures() throws Exception {
        try (S3Client wrongKey = S3Client.builder().endpointOverride(server.endpoint()).region(Region.US_EAST_1)
                .forcePathStyle(true)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("nobody", "wrong")))
                .build()) {
            S3ModelRegistry denied = S3ModelRegistry.builder(wrongKey, bucket).build();
            assertThatThrownBy(denied::models).isInstanceOf(NonRetriableException.class)
                    .hasMessageContaining("cannot list models");
        }
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        try (S3Client unreachable = S3Client.builder().endpointOverride(URI.create("http://127.0.0.1:" + closedPort))
                .region(Region.US_EAST_1).forcePathStyle(true)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("a", "b")))
                .build()) {
            S3ModelRegistry down = S3ModelRegistry.builder(unreachable, bucket).build();
            assertThatThrownBy(() -> down.versions("cpu")).isInstanceOf(RetriableException.class);
        }
    }

    @Test
    void theServerEnforcesTheConditionalWritesTheRegistryReliesOn() {
        try (S3Client s3 = server.client()) {
            PutObjectRequest create = PutObjectRequest.builder().bucket(bucket).key("probe").ifNoneMatch("*").build();
            s3.putObject(create, RequestBody.fromString("first"));
            assertThatThrownBy(() -> s3.putObject(create, RequestBody.fromString("second")))
                    .isInstanceOf(S3Exception.class)
                    .satisfies(e -> assertThat(((S3Exception) e).statusCode()).isEqualTo(412));
            assertThatThrownBy(() -> s3.putObject(PutObjectRequest.builder().bucket(bucket).key("probe")
                    .ifMatch("\"0123456789abcdef0123456789abcdef\"").build(), RequestBody.fromString("third")))
                    .isInstanceOf(S3Exception.class)
                    .satisfies(e -> assertThat(((S3Exception) e).statusCode()).isEqualTo(412));
        }
    }

    @Test
    void rejectsInvalidConfiguration() {
        try (S3Client s3 = server.client()) {
            assertThatThrownBy(() -> S3ModelRegistry.builder(s3, "Bad_Bucket").prefix("/x").build())
                    .hasMessageContaining("2 problems")
                    .hasMessageContaining("bucket was \"Bad_Bucket\"")
                    .hasMessageContaining("must not start with '/'");
        }
    }
}
