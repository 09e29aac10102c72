package dev.anomalyops.triton;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.anomalyops.core.FeatureSchema;
import dev.anomalyops.triton.client.RemoteScorerProvider;
import dev.anomalyops.triton.client.RetryPolicy;
import dev.anomalyops.triton.client.Sleeper;
import dev.anomalyops.triton.client.TritonClient;
import dev.anomalyops.core.RetriableException;
import dev.anomalyops.core.model.ModelBundle;
import dev.anomalyops.core.model.ModelFormat;
import dev.anomalyops.core.scoring.Scorer;
import dev.anomalyops.core.scoring.ScorerOptions;
import dev.anomalyops.core.scoring.Scorers;
import dev.anomalyops.core.testing.XgboostJsonModels;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The client suite against {@link FakeTritonServer}, an in-process gRPC server built from the same service
 * definition that answers with Triton's metadata, raw outputs and error messages (NVIDIA Triton itself cannot run
 * on our machines), plus the retry and deadline behaviour with an injected clock and sleeper (no test sleeps), and
 * the {@code remote} engine.
 */
class FakeTritonGrpcTest extends V2ClientContract {
    @TempDir
    static Path temp;

    static ModelBundle bundle;
    static Scorer local;
    static FakeTritonServer server;
    static TritonClient client;

    @BeforeAll
    static void start() throws Exception {
        Path file = temp.resolve("model.json");
        XgboostJsonModels.write(file, new XgboostJsonModels.Spec(6, 30, 5, 0.0, "binary:logistic", 0.3f), 21);
        bundle = ModelBundle.builder("cpu-anomaly", "1").model(ModelFormat.XGBOOST_JSON, file)
                .schema(FeatureSchema.of("a", "b", "c", "d", "e", "f")).threshold(0.4).writeTo(temp.resolve("bundle"));
        local = Scorers.open(bundle, ScorerOptions.defaults());
        server = new FakeTritonServer("cpu-anomaly", local);
        client = TritonClient.builder(URI.create("grpc://127.0.0.1:" + server.port())).build();
    }

    @AfterAll
    static void stop() throws Exception {
        client.close();
        server.close();
        local.close();
    }

    @Override
    protected TritonClient client() {
        return client;
    }

    @Override
    protected String model() {
        return "cpu-anomaly";
    }

    @Override
    protected boolean streaming() {
        return true;
    }

    @Override
    protected Scorer expected() {
        return local;
    }

    private static InferRequest oneRow() {
        return InferRequest.builder("cpu-anomaly").input(Tensor.fp32("input", new long[] {1, 6}, new float[6])).build();
    }

    /** A clock that the fake sleeper moves forward. */
    private static final class FakeTime {
        Instant now = Instant.parse("2026-11-29T00:00:00Z");
        final List<Duration> slept = new ArrayList<>();

        Clock clock() {
            return new Clock() {
                @Override
                public java.time.ZoneId getZone() {
                    return ZoneOffset.UTC;
                }

                @Override
                public Clock withZone(java.time.ZoneId zone) {
                    return this;
                }

                @Override
                public Instant instant() {
                    return now;
                }
            };
        }

        Sleeper sleeper() {
            return d -> {
                slept.add(d);
                now = now.plus(d);
                return CompletableFuture.completedFuture(null);
            };
        }
    }

    @Test
    void callbacksRunOnTheChosenExecutor() {
        java.util.concurrent.atomic.AtomicInteger handed = new java.util.concurrent.atomic.AtomicInteger();
        java.util.concurrent.Executor counting = task -> {
            handed.incrementAndGet();
            task.run();
        };
        try (TritonClient direct = TritonClient.builder(URI.create("grpc://127.0.0.1:" + server.port()))
                .callbackExecutor(counting).build()) {
            assertThat(direct.infer(oneRow()).outputs()).hasSize(2);
            int unary = handed.get();
            assertThat(unary).as("unary call callbacks").isPositive();
            try (dev.anomalyops.triton.client.InferStream stream = direct.openStream()) {
                assertThat(TritonClient.await(stream.infer(oneRow())).outputs()).hasSize(2);
            }
            assertThat(handed.get()).as("stream callbacks").isGreaterThan(unary);
        }
    }

    @Test
    void unavailableIsRetriedWithBackoffThenSucceeds() {
        FakeTime time = new FakeTime();
        try (TritonClient retrying = TritonClient.builder(URI.create("grpc://127.0.0.1:" + server.port()))
                .retry(new RetryPolicy(4, Duration.ofMillis(50), Duration.ofSeconds(1), 2.0))
                .clock(time.clock()).sleeper(time.sleeper()).build()) {
            int before = server.inferCalls.get();
            server.unavailable.set(2);
            assertThat(retrying.infer(oneRow()).outputs()).hasSize(2);
            assertThat(server.inferCalls.get() - before).isEqualTo(3);
            assertThat(time.slept).containsExactly(Duration.ofMillis(50), Duration.ofMillis(100));
        }
    }

    @Test
    void otherErrorsAreNotRetriedAndRetriesStopAtTheDeadline() {
        FakeTime time = new FakeTime();
        try (TritonClient retrying = TritonClient.builder(URI.create("grpc://127.0.0.1:" + server.port()))
                .deadline(Duration.ofMillis(1200)).retry(new RetryPolicy(10, Duration.ofMillis(500),
                        Duration.ofSeconds(10), 2.0)).clock(time.clock()).sleeper(time.sleeper()).build()) {
            // The deadline is also the real gRPC deadline of each call: connect first, so that a loaded machine's
            // connection set-up does not count against it.
            assertThat(retrying.infer(oneRow()).outputs()).hasSize(2);
            int before = server.inferCalls.get();
            assertThatThrownBy(() -> retrying.infer(InferRequest.builder("cpu-anomaly")
                    .input(Tensor.fp32("input", new long[] {1, 5}, new float[5])).build()))
                    .isInstanceOf(InvalidRequestException.class)
                    .hasMessageContaining("unexpected shape for input 'input'").hasMessageContaining("INVALID_ARGUMENT");
            assertThat(server.inferCalls.get() - before).isEqualTo(1);
            assertThat(time.slept).isEmpty();

            server.unavailable.set(100);
            assertThatThrownBy(() -> retrying.infer(oneRow())).isInstanceOf(ServiceUnavailableException.class)
                    .hasMessageContaining("Server is not ready");
            // 500 ms + 1000 ms would pass the 1200 ms deadline, so only the first back-off happens.
            assertThat(time.slept).containsExactly(Duration.ofMillis(500));
        } finally {
            server.unavailable.set(0);
        }
    }

    @Test
    void aServerThatIsDownIsUnavailable() throws Exception {
        java.net.ServerSocket socket = new java.net.ServerSocket(0);
        int port = socket.getLocalPort();
        socket.close();
        try (TritonClient down = TritonClient.builder(URI.create("grpc://127.0.0.1:" + port))
                .retry(RetryPolicy.none()).deadline(Duration.ofSeconds(3)).build()) {
            assertThatThrownBy(down::serverLive).isInstanceOf(RetriableException.class);
        }
    }

    @Test
    void theRemoteEngineScoresABundleOnTheServer() {
        try (Scorer remote = Scorers.open(bundle, ScorerOptions.builder().engine("remote")
                .property(RemoteScorerProvider.URL, "grpc://127.0.0.1:" + server.port()).build())) {
            assertThat(remote.model().engine()).isEqualTo("remote");
            float[] row = {0.5f, -1f, Float.NaN, 2f, 0f, 3f};
            assertThat(remote.probability(row)).isCloseTo(local.probability(row),
                    org.assertj.core.data.Offset.offset(1e-6));
        }
        assertThatThrownBy(() -> Scorers.open(bundle, ScorerOptions.builder().engine("remote").build()))
                .isInstanceOf(dev.anomalyops.core.BackendUnavailableException.class).hasMessageContaining("remote.url");
    }
}
