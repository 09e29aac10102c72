package dev.anomalyops.app.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.anomalyops.core.testing.FuzzBudget;
import dev.anomalyops.triton.server.GrpcEndpoints;
import dev.anomalyops.triton.server.HostileRequests;
import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ClientCalls;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AddLifecycleHook;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * The hostile requests of {@link HostileRequests} through the real reference server (Armeria, HTTP and gRPC on one
 * loopback port, a 64 KiB body limit): what the transport-level fuzz in anomaly-triton-client checks, plus what
 * Armeria adds (body limits, gRPC framing, path normalisation). Fewer tries than there, since each is a network
 * round trip. Properties: no 5xx but 501/503, no gRPC INTERNAL or UNKNOWN, and the server answers a valid request
 * afterwards. Tries scale with {@code -Danomalyops.fuzz.scale}.
 */
@AddLifecycleHook(FuzzBudget.class)
class ServerFuzzTest {
    // 401/403/429: the repository (admin) API answers these since the admin API is off unless tokens are configured;
    // 414/431: Armeria refuses over-long request lines and headers itself.
    private static final Set<Integer> STATUSES = Set.of(200, 400, 401, 403, 404, 405, 413, 414, 429, 431, 501, 503);
    private static Path temp;
    private static ServerFixture fixture;
    private static HttpClient http;
    private static ManagedChannel channel;
    private static String base;

    @BeforeContainer
    static void start() throws Exception {
        temp = Files.createTempDirectory("server-fuzz-");
        fixture = new ServerFixture(temp, 64 * 1024);
        // The hostile requests name the model "cpu": serve the fixture's model under that name too.
        fixture.registry.register("cpu", fixture.registry.open(fixture.registry.versions("cpu-anomaly").get(0)),
                java.util.Map.of());
        fixture.server.service().load("cpu");
        base = "http://127.0.0.1:" + fixture.server.port();
        http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
        channel = ManagedChannelBuilder.forAddress("127.0.0.1", fixture.server.port()).usePlaintext().build();
    }

    @AfterContainer
    static void stop() throws IOException {
        channel.shutdownNow();
        fixture.close();
        try (var files = Files.walk(temp)) {
            for (Path file : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(file);
            }
        }
    }

    @Provide
    Arbitrary<HostileRequests.HttpCall> httpCalls() {
        // java.net.http refuses some methods and characters outright; those never reach a server anyway.
        return HostileRequests.httpCalls().filter(c -> c.method().matches("[A-Z]+") && !c.method().equals("CONNECT")
                && isUri(c.path()));
    }

    private static boolean isUri(String path) {
        try {
            URI uri = URI.create("http://127.0.0.1" + path);
            return uri.getRawPath() != null && uri.getRawPath().equals(path) && uri.getRawQuery() == null;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    @Property(tries = 250)
    void httpOverArmeriaNeverAnswersAServerError(@ForAll("httpCalls") HostileRequests.HttpCall call) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + call.path())).timeout(Duration.ofSeconds(20))
                .header("Content-Type", "application/json")
                .method(call.method(), call.method().equals("GET") || call.method().equals("HEAD")
                        ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(call.body()));
        if (call.headerLength() != null) {
            request.header("Inference-Header-Content-Length", call.headerLength());
        }
        HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        assertThat(STATUSES).as("%s -> %s %s", call, response.statusCode(), response.body()).contains(response.statusCode());
    }

    @Provide
    Arbitrary<HostileRequests.GrpcCall> grpcCalls() {
        return HostileRequests.grpcCalls(new GrpcEndpoints(fixture.server.service(), 65_536).methods());
    }

    @Property(tries = 250)
    void grpcOverArmeriaNeverAnswersInternal(@ForAll("grpcCalls") HostileRequests.GrpcCall call) {
        MethodDescriptor<byte[], byte[]> method = MethodDescriptor.<byte[], byte[]>newBuilder()
                .setType(MethodDescriptor.MethodType.UNARY)
                .setFullMethodName(MethodDescriptor.generateFullMethodName(GrpcEndpoints.SERVICE, call.method()))
                .setRequestMarshaller(BYTES).setResponseMarshaller(BYTES).build();
        try {
            ClientCalls.blockingUnaryCall(channel, method, CallOptions.DEFAULT.withDeadlineAfter(20, TimeUnit.SECONDS),
                    call.bytes());
        } catch (StatusRuntimeException e) {
            assertThat(e.getStatus().getCode()).as("%s -> %s", call, e.getStatus())
                    .isNotIn(Status.Code.INTERNAL, Status.Code.UNKNOWN, Status.Code.DEADLINE_EXCEEDED);
        }
    }

    @Property(tries = 1)
    void theServerStillServesAfterwards() throws Exception {
        HttpResponse<String> ok = http.send(HttpRequest.newBuilder(URI.create(base + "/v2/models/cpu-anomaly/infer"))
                .POST(HttpRequest.BodyPublishers.ofString("{\"inputs\":[{\"name\":\"input\",\"shape\":[1,6],"
                        + "\"datatype\":\"FP32\",\"data\":[1,2,3,4,5,6]}]}")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(ok.statusCode()).as(ok.body()).isEqualTo(200);
    }

    private static final MethodDescriptor.Marshaller<byte[]> BYTES = new MethodDescriptor.Marshaller<>() {
        @Override
        public InputStream stream(byte[] value) {
            return new ByteArrayInputStream(value);
        }

        @Override
        public byte[] parse(InputStream stream) {
            try {
                return stream.readAllBytes();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    };

}
