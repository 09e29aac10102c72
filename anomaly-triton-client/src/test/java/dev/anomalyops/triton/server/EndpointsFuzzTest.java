package dev.anomalyops.triton.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.ByteString;
import dev.anomalyops.core.FeatureSchema;
import dev.anomalyops.core.NonFinitePolicy;
import dev.anomalyops.core.model.ModelBundle;
import dev.anomalyops.core.model.ModelFormat;
import dev.anomalyops.core.scoring.ScorerOptions;
import dev.anomalyops.core.scoring.Scorers;
import dev.anomalyops.core.testing.FuzzBudget;
import dev.anomalyops.core.testing.Mutations;
import dev.anomalyops.core.testing.XgboostJsonModels;
import dev.anomalyops.triton.internal.grpc.GrpcService;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AddLifecycleHook;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import org.jspecify.annotations.Nullable;

/**
 * Hostile input for the v2 endpoints, at the level a server hands them bytes: {@link HttpEndpoints#handle} (JSON
 * and the binary tensor extension) and {@link GrpcEndpoints#handle} (arbitrary and mutated protobuf), in front of a
 * real {@link ScoringInferenceService} serving an XGBoost model with the pure-Java tree engine.
 *
 * <p>Properties, for every input: the reply comes within seconds; a client error is answered as one (HTTP
 * 400/404/405/413/501/503 with the protocol's {@code {"error": ...}} object, gRPC INVALID_ARGUMENT, NOT_FOUND,
 * UNIMPLEMENTED...), never 500 / INTERNAL or an escaped exception; and the bytes the handling thread allocates are
 * bounded by the body size plus the element limit, so a declared shape of 2^40 or a {@code binary_data_size} of a
 * gigabyte is refused before anything of that size is allocated. Tries scale with {@code -Danomalyops.fuzz.scale}.
 */
@AddLifecycleHook(FuzzBudget.class)
class EndpointsFuzzTest {
    private static final long MAX_ELEMENTS = 65_536;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<Integer> CLIENT_STATUSES = Set.of(400, 404, 405, 413, 501, 503);
    private static Path work;
    private static ScoringInferenceService service;
    private static HttpEndpoints http;
    private static GrpcEndpoints grpc;
    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    @BeforeContainer
    static void start() throws IOException {
        work = Files.createTempDirectory("endpoints-fuzz-");
        Path model = work.resolve("model.json");
        XgboostJsonModels.write(model, new XgboostJsonModels.Spec(6, 20, 4, 0.0, "binary:logistic", 0.3f), 5);
        ModelBundle cpu = ModelBundle.builder("cpu", "1").model(ModelFormat.XGBOOST_JSON, model)
                .schema(FeatureSchema.of("a", "b", "c", "d", "e", "f")).threshold(0.4).writeTo(work.resolve("cpu"));
        FeatureSchema.Builder strict = FeatureSchema.builder();
        for (String n : List.of("a", "b", "c", "d", "e", "f")) {
            strict.add(n, NonFinitePolicy.REJECT);
        }
        ModelBundle strictBundle = ModelBundle.builder("strict", "1").model(ModelFormat.XGBOOST_JSON, model)
                .schema(strict.build()).writeTo(work.resolve("strict"));
        service = ScoringInferenceService.builder().batching(ScoringInferenceService.Batching.OFF).maxRows(4096)
                .build();
        service.serve("cpu", List.of(new ServedModel("1", Scorers.open(cpu, ScorerOptions.defaults()))));
        service.serve("strict", List.of(new ServedModel("1", Scorers.open(strictBundle, ScorerOptions.defaults()))));
        http = new HttpEndpoints(service, MAX_ELEMENTS);
        grpc = new GrpcEndpoints(service, MAX_ELEMENTS);
    }

    @AfterContainer
    static void stop() throws IOException {
        service.close();
        try (java.util.stream.Stream<Path> files = Files.walk(work)) {
            for (Path file : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(file);
            }
        }
    }

    // ------------------------------------------------------------------------------------------------ HTTP

    @Provide
    Arbitrary<HostileRequests.HttpCall> httpCalls() {
        return HostileRequests.httpCalls();
    }

    @Property(tries = 3000)
    void httpClientErrorsAreNeverServerErrors(@ForAll("httpCalls") HostileRequests.HttpCall call) throws Exception {
        long thread = Thread.currentThread().getId();
        long before = THREADS.getThreadAllocatedBytes(thread);
        CompletableFuture<HttpReply> future = http.handle(call.method(), call.path(), call.headerLength(), call.body());
        HttpReply reply = future.get(10, TimeUnit.SECONDS);
        long allocated = THREADS.getThreadAllocatedBytes(thread) - before;
        assertThat(allocated).as("bytes allocated for %s", call).isLessThan(bound(call.body().length));
        if (reply.status() == 200) {
            return;
        }
        assertThat(CLIENT_STATUSES).as("status for %s: %s", call, new String(reply.body(), StandardCharsets.UTF_8))
                .contains(reply.status());
        if (!call.method().equals("HEAD") && reply.body().length > 0 && reply.contentType().equals("application/json")
                && !call.path().endsWith("/ready") && !call.path().startsWith("/v2/health")) {
            JsonNode error = JSON.readTree(reply.body());
            assertThat(error.path("error").isTextual()).as("error object for %s", call).isTrue();
        }
    }

    /** What one request may allocate: a fixed allowance, a multiple of its size, and the element limit's arrays. */
    private static long bound(int bodyBytes) {
        return (24L << 20) + 48L * bodyBytes + 16 * MAX_ELEMENTS;
    }

    // Regression examples for the hardening the fuzz targets guard (each allocated far more, or failed by luck, before).

    @net.jqwik.api.Example
    void aDataArrayBeforeTheShapeIsCountedNotBuiltIntoATree() throws Exception {
        String body = "{\"inputs\":[{\"data\":[" + "1.5,".repeat(1_000_000) + "1.5],\"name\":\"input\","
                + "\"shape\":[1,6],\"datatype\":\"FP32\"}]}";
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        long thread = Thread.currentThread().getId();
        long before = THREADS.getThreadAllocatedBytes(thread);
        HttpReply reply = http.handle("POST", "/v2/models/cpu/infer", null, bytes).get(10, TimeUnit.SECONDS);
        long allocated = THREADS.getThreadAllocatedBytes(thread) - before;
        assertThat(reply.status()).isEqualTo(400);
        assertThat(new String(reply.body(), StandardCharsets.UTF_8)).contains("more than 65536 values");
        // A tree of a million DoubleNodes would be ~40 MB; counting stops at the limit.
        assertThat(allocated).isLessThan(16L << 20);
    }

    @net.jqwik.api.Example
    void aBinaryDataSizeNearLongMaxIsRefusedByName() throws Exception {
        byte[] body = ("{\"inputs\":[{\"name\":\"input\",\"shape\":[1,6],\"datatype\":\"FP32\","
                + "\"parameters\":{\"binary_data_size\":9223372036854775807}}]}").getBytes(StandardCharsets.UTF_8);
        HttpReply reply = http.handle("POST", "/v2/models/cpu/infer", Integer.toString(body.length), body)
                .get(10, TimeUnit.SECONDS);
        assertThat(reply.status()).isEqualTo(400);
        assertThat(new String(reply.body(), StandardCharsets.UTF_8)).contains("declares binary_data_size");
    }

    @net.jqwik.api.Example
    void rawBytesTensorsStopSplittingAtTheShapesElementCount() {
        byte[] zeros = new byte[4 << 20];
        dev.anomalyops.triton.InvalidRequestException refused = null;
        long thread = Thread.currentThread().getId();
        long before = THREADS.getThreadAllocatedBytes(thread);
        try {
            dev.anomalyops.triton.Tensor.raw("input", dev.anomalyops.triton.Datatype.BYTES, new long[] {1}, zeros);
        } catch (dev.anomalyops.triton.InvalidRequestException e) {
            refused = e;
        }
        long allocated = THREADS.getThreadAllocatedBytes(thread) - before;
        assertThat(refused).isNotNull().hasMessageContaining("more than the 1 elements");
        // 4 MiB of zero-length elements would be a million byte arrays (~24 MB) before the count was compared.
        assertThat(allocated).isLessThan(1L << 20);
    }

    // ------------------------------------------------------------------------------------------------ gRPC

    @Provide
    Arbitrary<HostileRequests.GrpcCall> grpcCalls() {
        return HostileRequests.grpcCalls(grpc.methods());
    }

    @Property(tries = 3000)
    void grpcClientErrorsAreNeverInternal(@ForAll("grpcCalls") HostileRequests.GrpcCall call) throws Exception {
        long thread = Thread.currentThread().getId();
        long before = THREADS.getThreadAllocatedBytes(thread);
        CompletableFuture<byte[]> future = grpc.handle(call.method(), call.bytes());
        try {
            future.get(10, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            ErrorStatus status = ErrorStatus.of(e.getCause());
            assertThat(status).as("status for %s: %s", call, e.getCause()).isNotEqualTo(ErrorStatus.INTERNAL);
            assertThat(e.getCause()).isInstanceOfAny(dev.anomalyops.core.AnomalyOpsException.class,
                    UnsupportedOperationException.class);
        }
        long allocated = THREADS.getThreadAllocatedBytes(thread) - before;
        assertThat(allocated).as("bytes allocated for %s", call).isLessThan(bound(call.bytes().length));
    }
}
