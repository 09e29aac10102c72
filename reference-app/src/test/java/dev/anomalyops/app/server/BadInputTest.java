package dev.anomalyops.app.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.anomalyops.core.InvalidFeatureValueException;
import dev.anomalyops.core.NonRetriableException;
import dev.anomalyops.core.RetriableException;
import dev.anomalyops.triton.InferRequest;
import dev.anomalyops.triton.InvalidRequestException;
import dev.anomalyops.triton.Tensor;
import dev.anomalyops.triton.client.TritonClient;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every bad input the issue lists, on the wire: each answered with the protocol's error object and the right
 * HTTP or gRPC status, and the server keeps serving. Plus Prometheus metrics.
 */
class BadInputTest {
    @TempDir
    static Path temp;

    static ServerFixture fixture;
    static HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    static String base;

    @BeforeAll
    static void start() throws Exception {
        fixture = new ServerFixture(temp, 64 * 1024);
        base = "http://127.0.0.1:" + fixture.server.port();
    }

    @AfterAll
    static void stop() {
        fixture.close();
    }

    private static HttpResponse<String> post(String path, String body) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(base + path)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String row(String values) {
        return "{\"inputs\":[{\"name\":\"input\",\"shape\":[1,6],\"datatype\":\"FP32\",\"data\":[" + values + "]}]}";
    }

    @Test
    void eachBadRequestGetsTheProtocolsErrorObjectAndStatus() throws Exception {
        String infer = "/v2/models/cpu-anomaly/infer";
        assertError(post(infer, "{\"inputs\": [ {\"name\": "), 400, "Malformed JSON");
        assertError(post(infer, "{\"inputs\":[{\"name\":\"input\",\"shape\":[1,5],\"datatype\":\"FP32\","
                + "\"data\":[1,2,3,4,5]}]}"), 400, "unexpected shape");
        assertError(post(infer, "{\"inputs\":[{\"name\":\"input\",\"shape\":[2,6],\"datatype\":\"FP32\","
                + "\"data\":[1,2,3,4,5,6]}]}"), 400, "has 6 values");
        assertError(post(infer, "{\"inputs\":[{\"name\":\"input\",\"shape\":[1,6],\"datatype\":\"INT64\","
                + "\"data\":[1,2,3,4,5,6]}]}"), 400, "data-type is 'INT64'");
        assertError(post(infer, "{\"inputs\":[{\"name\":\"input\",\"shape\":[1,6],\"datatype\":\"FP99\","
                + "\"data\":[1,2,3,4,5,6]}]}"), 400, "FP99");
        assertError(post("/v2/models/strict/infer", row("1,2,NaN,4,5,6")), 400, "\"c\"");
        assertError(post("/v2/models/strict/infer", row("1,2,null,4,5,6")), 400, "missing");
        assertError(post("/v2/models/no-such/infer", row("1,2,3,4,5,6")), 404, "unknown model");
        assertError(post("/v2/models/cpu-anomaly/versions/99/infer", row("1,2,3,4,5,6")), 404, "version 99");
        assertError(post(infer, "{\"inputs\":[{\"name\":\"input\",\"shape\":[1000000000,6],\"datatype\":\"FP32\","
                + "\"data\":[1]}]}"), 400, "limit");
        StringBuilder huge = new StringBuilder("{\"inputs\":[{\"name\":\"input\",\"shape\":[20000,6],"
                + "\"datatype\":\"FP32\",\"data\":[");
        for (int i = 0; i < 120_000; i++) {
            huge.append(i == 0 ? "" : ",").append("1.5");
        }
        assertError(post(infer, huge + "]}]}"), 413, "limit");
        HttpResponse<String> get = http.send(HttpRequest.newBuilder(URI.create(base + infer)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertError(get, 405, "POST");
        // Still serving.
        HttpResponse<String> ok = post(infer, row("1,2,NaN,4,5,6"));
        assertThat(ok.statusCode()).isEqualTo(200);
        assertThat(ok.body()).contains("\"probabilities\"").contains("\"label\"");
    }

    private static void assertError(HttpResponse<String> response, int status, String text) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        assertThat(response.body()).startsWith("{\"error\":");
        try {
            assertThat(new com.fasterxml.jackson.databind.ObjectMapper().readTree(response.body()).get("error").asText())
                    .contains(text);
        } catch (java.io.IOException e) {
            throw new AssertionError("The error body is not JSON: " + response.body(), e);
        }
    }

    @Test
    void grpcAnswersTheSameProblemsWithGrpcStatuses() {
        try (TritonClient client = TritonClient.builder(URI.create("grpc://127.0.0.1:" + fixture.server.port()))
                .build()) {
            assertThatThrownBy(() -> client.infer(InferRequest.builder("strict")
                    .input(Tensor.fp32("input", new long[] {1, 6}, new float[] {1, 2, Float.NaN, 4, 5, 6})).build()))
                    .isInstanceOf(InvalidRequestException.class).hasMessageContaining("INVALID_ARGUMENT")
                    .hasMessageContaining("\"c\"");
            assertThatThrownBy(() -> client.infer(InferRequest.builder("cpu-anomaly")
                    .input(Tensor.fp32("input", new long[] {20_000, 6}, new float[120_000])).build()))
                    .isInstanceOf(RetriableException.class).hasMessageContaining("RESOURCE_EXHAUSTED");
            assertThat(client.infer(InferRequest.builder("cpu-anomaly")
                    .input(Tensor.fp32("input", new long[] {1, 6}, new float[6])).build()).outputs()).hasSize(2);
        }
        assertThat(InvalidFeatureValueException.class).isNotNull();
        assertThat(NonRetriableException.class).isNotNull();
    }

    @Test
    void prometheusMetricsCountInferences() throws Exception {
        post("/v2/models/cpu-anomaly/infer", row("1,2,3,4,5,6"));
        HttpResponse<String> metrics = http.send(HttpRequest.newBuilder(URI.create(base + "/metrics")).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(metrics.statusCode()).isEqualTo(200);
        assertThat(metrics.body()).contains("anomalyops_inference_requests_seconds_bucket")
                .contains("model=\"cpu-anomaly\"").contains("anomalyops_inference_rows_total");
    }
}
