package dev.anomalyops.app.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.anomalyops.triton.InferRequest;
import dev.anomalyops.triton.InferResponse;
import dev.anomalyops.triton.Tensor;
import dev.anomalyops.triton.client.InferStream;
import dev.anomalyops.triton.client.TritonClient;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every answer on a {@code ModelStreamInfer} stream reaches the client, also when the first answers of a new stream
 * come from different threads: a request that fails scoring is answered from a scoring thread, one for an unknown
 * model can be answered at once on the call's event loop. Before the server queued all writes on the event loop,
 * this test lost an answer on 34 of its 300 streams (Armeria had not yet sent the response headers that the first
 * answer scheduled, and dropped the answer written on the event loop); a stream with one request could end with no
 * answer at all (grpc-java's "No value received" in the fuzz runs). The race needs many fresh
 * streams to show, hence the loop; each answer must come within a short deadline.
 */
class InferStreamDeliveryTest {
    private static final int STREAMS = 150;

    @TempDir
    Path temp;

    @Test
    void theFirstAnswersOfEveryStreamArriveWhicheverThreadSendsThem() throws Exception {
        Path admin = Files.writeString(temp.resolve("admin-tokens"), ReferenceServerInteropTest.ADMIN + "\n");
        ReferenceServer.Operations d = ReferenceServer.Operations.defaults();
        List<String> lost = new ArrayList<>();
        try (ServerFixture fixture = new ServerFixture(temp.resolve("server"), 1 << 20, new ReferenceServer.Operations(
                temp.resolve("state"), null, d.canaryPolicy(), d.evaluateEvery(), d.abTests(), d.driftWindow(),
                d.clock(), d.scorerHook()), ServerSecurity.builder().adminTokenFile(admin).build());
                TritonClient client = TritonClient.builder(URI.create("grpc://127.0.0.1:" + fixture.server.port()))
                        .bearerToken(ReferenceServerInteropTest.ADMIN).deadline(Duration.ofSeconds(5)).build()) {
            int features = fixture.local.model().schema().size();
            InferRequest badType = InferRequest.builder("cpu-anomaly")
                    .input(Tensor.int64("input", new long[] {1, features}, new long[features])).build();
            InferRequest unknown = InferRequest.builder("no-such-model")
                    .input(Tensor.fp32("input", new long[] {1, features}, new float[features])).build();
            InferRequest good = InferRequest.builder("cpu-anomaly")
                    .input(Tensor.fp32("input", new long[] {1, features}, new float[features])).build();
            for (int i = 0; i < STREAMS; i++) {
                try (InferStream stream = client.openStream()) {
                    List<CompletableFuture<InferResponse>> answers = List.of(stream.infer(badType),
                            stream.infer(unknown), stream.infer(good));
                    List<String> kinds = answers.stream().map(InferStreamDeliveryTest::outcome).toList();
                    if (!kinds.equals(List.of("InvalidRequestException", "NotFoundException", "ok"))) {
                        lost.add("stream " + i + ": " + kinds);
                    }
                }
                // A stream with a single request, half-closed at once: its one answer must come before the end.
                try (InferStream stream = client.openStream()) {
                    CompletableFuture<InferResponse> only = stream.infer(unknown);
                    stream.close();
                    String kind = outcome(only);
                    if (!kind.equals("NotFoundException")) {
                        lost.add("single-request stream " + i + ": " + kind);
                    }
                }
            }
        }
        assertThat(lost).isEmpty();
    }

    private static String outcome(CompletableFuture<InferResponse> answer) {
        try {
            TritonClient.await(answer);
            return "ok";
        } catch (RuntimeException e) {
            return e.getClass().getSimpleName() + (e.getClass().getSimpleName().endsWith("Exception")
                    && e.getMessage() != null && e.getMessage().contains("no answer") ? " (no answer)" : "");
        }
    }
}
