package dev.anomalyops.triton.server;

import com.google.protobuf.ByteString;
import dev.anomalyops.core.testing.Mutations;
import dev.anomalyops.triton.internal.grpc.GrpcService;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import org.jspecify.annotations.Nullable;

/**
 * Hostile v2 requests for fuzzing servers: HTTP calls (method, path, {@code Inference-Header-Content-Length}, body:
 * grammar-built JSON with hostile values, mutated valid bodies, classic attacks, random bytes, binary tails) and
 * gRPC calls (method and mutated or hand-made protobuf bytes). Shared by {@link EndpointsFuzzTest} and the
 * reference server's fuzz test (through this module's test-jar). Requests name the models "cpu" and "strict" with
 * six FP32 features, input "input".
 */
public final class HostileRequests {
    private HostileRequests() {}

    public record HttpCall(String method, String path, @Nullable String headerLength, byte[] body) {
        @Override
        public String toString() {
            String text = new String(body, 0, Math.min(body.length, 300), StandardCharsets.UTF_8);
            return method + " " + path + " [" + headerLength + "] " + body.length + " bytes: " + text;
        }
    }

    public static Arbitrary<HttpCall> httpCalls() {
        Arbitrary<String> methods = Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(8, Arbitraries.just("POST")), net.jqwik.api.Tuple.of(2, Arbitraries.just("GET")),
                net.jqwik.api.Tuple.of(1, Arbitraries.of("PUT", "DELETE", "HEAD", "OPTIONS", "PATCH", "", "post")));
        Arbitrary<String> paths = Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(12, Arbitraries.of("/v2/models/cpu/infer", "/v2/models/strict/infer",
                        "/v2/models/cpu/versions/1/infer")),
                net.jqwik.api.Tuple.of(3, Arbitraries.of("/v2", "/v2/", "/v2/health/live", "/v2/health/ready",
                        "/v2/models/cpu", "/v2/models/cpu/ready", "/v2/models/cpu/versions/9/infer",
                        "/v2/models/%ZZ/infer", "/v2/models/%/infer", "/v2/models/nope/infer",
                        "/v2/models//infer", "/v2/models/cpu/versions//infer", "/v2/repository/index",
                        "/v2/repository/models/%00/load", "/v2/repository/models/nope/unload", "//v2", "/",
                        "/v2/models/cpu/infer/", "/v2/models/" + "a".repeat(5000) + "/infer",
                        "/v2/models/cpu%2Finfer", "/v2/models/\u0000/ready")),
                net.jqwik.api.Tuple.of(1, Arbitraries.strings().ofMaxLength(60).map(s -> "/v2/" + s)));
        Arbitrary<byte[]> bodies = Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(5, requests().map(r -> r.getBytes(StandardCharsets.UTF_8))),
                net.jqwik.api.Tuple.of(4, Mutations.of(seedBodies(), 8)),
                net.jqwik.api.Tuple.of(1, hostileBodies()),
                net.jqwik.api.Tuple.of(1, Arbitraries.bytes().array(byte[].class).ofMaxSize(200)));
        return Combinators.combine(methods, paths, bodies, Arbitraries.integers().between(0, 9))
                .as((method, path, body, headerChoice) -> withBinary(method, path, body, headerChoice));
    }

    /** Sometimes appends binary tensor data and sets the header that tells where the JSON ends. */
    private static HttpCall withBinary(String method, String path, byte[] body, int choice) {
        return switch (choice) {
            case 0 -> new HttpCall(method, path, "abc", body);
            case 1 -> new HttpCall(method, path, Integer.toString(body.length), body);
            case 2, 3 -> {
                ByteBuffer tail = ByteBuffer.allocate(24).order(ByteOrder.LITTLE_ENDIAN);
                for (int i = 0; i < 6; i++) {
                    tail.putFloat(i);
                }
                byte[] all = new byte[body.length + 24];
                System.arraycopy(body, 0, all, 0, body.length);
                System.arraycopy(tail.array(), 0, all, body.length, 24);
                yield new HttpCall(method, path, Integer.toString(body.length), all);
            }
            case 4 -> new HttpCall(method, path, choice % 2 == 0 ? "-5" : "99999999999", body);
            case 5 -> new HttpCall(method, path, "2147483647", body);
            case 6 -> new HttpCall(method, path, "0", body);
            default -> new HttpCall(method, path, null, body);
        };
    }

    private static List<byte[]> seedBodies() {
        List<String> seeds = List.of(
                "{\"id\":\"r1\",\"inputs\":[{\"name\":\"input\",\"shape\":[2,6],\"datatype\":\"FP32\","
                        + "\"data\":[[1,2,3,4,5,6],[0.5,NaN,null,\"Infinity\",-1e30,0]]}],"
                        + "\"outputs\":[{\"name\":\"label\"},{\"name\":\"probabilities\",\"parameters\":"
                        + "{\"binary_data\":true}}]}",
                "{\"inputs\":[{\"name\":\"input\",\"shape\":[1,6],\"datatype\":\"FP32\","
                        + "\"parameters\":{\"binary_data_size\":24}}],\"parameters\":{\"binary_data_output\":true}}",
                "{\"inputs\":[{\"data\":[1,2,3,4,5,6],\"datatype\":\"FP32\",\"name\":\"input\",\"shape\":[1,6]}]}",
                "{\"inputs\":[{\"name\":\"input\",\"shape\":[1,2],\"datatype\":\"BYTES\",\"data\":[\"a\",\"b\"]}]}",
                "{\"ready\":true}");
        return seeds.stream().map(s -> s.getBytes(StandardCharsets.UTF_8)).toList();
    }

    private static Arbitrary<byte[]> hostileBodies() {
        return Arbitraries.of(
                "[".repeat(100_000),
                "{\"inputs\":" + "[".repeat(5_000) + "]".repeat(5_000) + "}",
                "{\"inputs\":[{\"name\":\"input\",\"shape\":[1,6],\"datatype\":\"FP32\",\"data\":"
                        + "[".repeat(2_000) + "1" + "]".repeat(2_000) + "}]}",
                "{\"inputs\":[{\"name\":\"input\",\"shape\":[1073741824],\"datatype\":\"FP32\","
                        + "\"parameters\":{\"binary_data_size\":4294967296}}]}",
                "{\"inputs\":[{\"name\":\"input\",\"shape\":[1,6],\"datatype\":\"FP32\","
                        + "\"parameters\":{\"binary_data_size\":9223372036854775807}}]}",
                "{\"inputs\":[{\"name\":\"input\",\"shape\":[2305843009213693952],\"datatype\":\"INT64\","
                        + "\"parameters\":{\"binary_data_size\":0}}]}",
                "{\"inputs\":[{\"name\":\"input\",\"shape\":[4611686018427387904,4],\"datatype\":\"FP32\",\"data\":[]}]}",
                "{\"inputs\":[{\"name\":\"input\",\"shape\":[1,6],\"datatype\":\"FP32\",\"data\":[1e99999,2,3,4,5,6]}]}",
                "{\"inputs\":[{\"name\":\"input\",\"shape\":[1,6],\"datatype\":\"FP32\",\"data\":["
                        + "1".repeat(5000) + ",2,3,4,5,6]}]}",
                "{\"inputs\":[{\"data\":[" + "0,".repeat(200_000) + "0],\"name\":\"input\",\"shape\":[1,6],"
                        + "\"datatype\":\"FP32\"}]}",
                "{\"inputs\":[{\"name\":\"" + "n".repeat(1 << 20) + "\",\"shape\":[1,6],\"datatype\":\"FP32\"}]}",
                "{\"inputs\":[{\"name\":\"input\",\"shape\":[65536],\"datatype\":\"BYTES\","
                        + "\"parameters\":{\"binary_data_size\":0}}]}",
                "{\"inputs\":[{\"name\":\"input\",\"shape\":[1,6],\"datatype\":\"FP32\",\"data\":[1,2,3,4,5,6]}]}"
                        + " trailing",
                "{\"parameters\":{\"x\":{\"y\":1}},\"inputs\":[]}",
                "{\"inputs\":[{\"name\":\"input\",\"shape\":[-1,6],\"datatype\":\"FP32\",\"data\":[1,2,3,4,5,6]}]}",
                "\uFEFF{\"inputs\":[]}", "\"just a string\"", "null", "")
                .map(s -> s.getBytes(StandardCharsets.UTF_8));
    }

    /** Requests built from the protocol's grammar with hostile values in every slot. */
    private static Arbitrary<String> requests() {
        Arbitrary<String> dims = Arbitraries.oneOf(
                Arbitraries.of("1", "2", "6", "0", "-1", "65536", "65537", "2147483648", "9223372036854775807",
                        "1.5", "\"6\"", "null", "1e3"),
                Arbitraries.integers().between(0, 10).map(Object::toString));
        Arbitrary<String> shape = Arbitraries.oneOf(
                Arbitraries.of("[1,6]", "[2,6]", "[6]", "[]", "[1,6,1]", "[" + "1,".repeat(20) + "1]"),
                dims.list().ofMaxSize(4).map(l -> "[" + String.join(",", l) + "]"));
        Arbitrary<String> datatype = Arbitraries.of("\"FP32\"", "\"FP64\"", "\"INT64\"", "\"UINT32\"", "\"BOOL\"",
                "\"BYTES\"", "\"FP16\"", "\"BF16\"", "\"fp32\"", "\"FP99\"", "\"\"", "3", "null");
        Arbitrary<String> value = Arbitraries.oneOf(
                Arbitraries.of("1", "0", "-1", "1.5", "NaN", "-Infinity", "null", "true", "\"x\"", "\"NaN\"",
                        "1e400", "-0.0", "9223372036854775808", "{}", "[]"),
                Arbitraries.floats().map(Object::toString).filter(s -> !s.contains("N") && !s.contains("I")));
        Arbitrary<String> data = Arbitraries.oneOf(
                value.list().ofMaxSize(14).map(l -> "[" + String.join(",", l) + "]"),
                value.list().ofSize(6).map(l -> "[[" + String.join(",", l) + "]]"),
                Arbitraries.of("\"data\"", "{}", "1", "[[[[1]]]]"));
        Arbitrary<String> parameters = Arbitraries.of("", ",\"parameters\":{\"binary_data_size\":24}",
                ",\"parameters\":{\"binary_data_size\":-1}", ",\"parameters\":{\"binary_data_size\":1073741824}",
                ",\"parameters\":{\"binary_data_size\":\"24\"}", ",\"parameters\":[]",
                ",\"parameters\":{\"binary_data_size\":24.5}");
        Arbitrary<String> name = Arbitraries.of("\"input\"", "\"input\"", "\"INPUT\"", "\"\"", "null", "1",
                "\"in\\u0000put\"");
        Arbitrary<String> input = Combinators.combine(name, shape, datatype, data, parameters, Arbitraries.integers()
                .between(0, 5)).as((n, s, t, d, p, order) -> switch (order) {
                    case 0 -> "{\"data\":" + d + ",\"name\":" + n + ",\"shape\":" + s + ",\"datatype\":" + t + p + "}";
                    case 1 -> "{\"name\":" + n + ",\"datatype\":" + t + p + "}";
                    default -> "{\"name\":" + n + ",\"shape\":" + s + ",\"datatype\":" + t + ",\"data\":" + d + p + "}";
                });
        Arbitrary<String> outputs = Arbitraries.of("", ",\"outputs\":[{\"name\":\"label\"}]",
                ",\"outputs\":[{\"name\":\"nope\"}]", ",\"outputs\":[{}]", ",\"outputs\":{}",
                ",\"outputs\":[{\"name\":\"probabilities\",\"parameters\":{\"binary_data\":true}}]");
        Arbitrary<String> top = Arbitraries.of("", "\"id\":\"x\",", "\"id\":5,", "\"parameters\":{\"binary_data_output\":"
                + "true},", "\"parameters\":{\"user_id\":\"u\",\"n\":1.5},");
        return Combinators.combine(top, input.list().ofMaxSize(3), outputs)
                .as((t, inputs, o) -> "{" + t + "\"inputs\":[" + String.join(",", inputs) + "]" + o + "}");
    }

    public record GrpcCall(String method, byte[] bytes) {
        @Override
        public String toString() {
            return method + " " + bytes.length + " bytes";
        }
    }

    public static Arbitrary<GrpcCall> grpcCalls(List<String> served) {
        List<byte[]> seeds = grpcSeeds();
        Arbitrary<String> methods = Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(10, Arbitraries.just("ModelInfer")),
                net.jqwik.api.Tuple.of(3, Arbitraries.of(served)),
                net.jqwik.api.Tuple.of(1, Arbitraries.of("", "Nope", "modelinfer", "ModelConfig")));
        Arbitrary<byte[]> bytes = Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(6, Mutations.of(seeds, 8)),
                net.jqwik.api.Tuple.of(2, hostileProtobuf()),
                net.jqwik.api.Tuple.of(1, Arbitraries.bytes().array(byte[].class).ofMaxSize(300)));
        return Combinators.combine(methods, bytes).as(GrpcCall::new);
    }

    private static List<byte[]> grpcSeeds() {
        List<byte[]> seeds = new ArrayList<>();
        ByteBuffer row = ByteBuffer.allocate(48).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < 12; i++) {
            row.putFloat(i == 3 ? Float.NaN : i * 0.5f);
        }
        seeds.add(inferRequest("cpu", List.of(2L, 6L), "FP32", ByteString.copyFrom(row.array())).toByteArray());
        seeds.add(inferRequest("strict", List.of(1L, 6L), "FP32", ByteString.copyFrom(row.array(), 0, 24))
                .toByteArray());
        GrpcService.ModelInferRequest.Builder typed = GrpcService.ModelInferRequest.newBuilder().setModelName("cpu")
                .setId("t").putParameters("user_id", GrpcService.InferParameter.newBuilder().setStringParam("u")
                        .build());
        typed.addInputsBuilder().setName("input").setDatatype("FP32").addShape(1).addShape(6)
                .getContentsBuilder().addAllFp32Contents(List.of(1f, 2f, 3f, 4f, 5f, 6f));
        typed.addOutputsBuilder().setName("label");
        seeds.add(typed.build().toByteArray());
        seeds.add(GrpcService.ModelMetadataRequest.newBuilder().setName("cpu").setVersion("1").build().toByteArray());
        seeds.add(GrpcService.ModelReadyRequest.newBuilder().setName("cpu").build().toByteArray());
        seeds.add(GrpcService.RepositoryIndexRequest.newBuilder().setReady(true).build().toByteArray());
        return seeds;
    }

    private static GrpcService.ModelInferRequest inferRequest(String model, List<Long> shape, String datatype,
            ByteString raw) {
        GrpcService.ModelInferRequest.Builder b = GrpcService.ModelInferRequest.newBuilder().setModelName(model);
        b.addInputsBuilder().setName("input").setDatatype(datatype).addAllShape(shape);
        b.addRawInputContents(raw);
        return b.build();
    }

    private static Arbitrary<byte[]> hostileProtobuf() {
        List<byte[]> list = new ArrayList<>();
        list.add(inferRequest("cpu", List.of(1L << 40, 6L), "FP32", ByteString.copyFrom(new byte[24])).toByteArray());
        list.add(inferRequest("cpu", List.of(1L << 61), "INT64", ByteString.EMPTY).toByteArray());
        list.add(inferRequest("cpu", List.of(Long.MAX_VALUE, 2L), "FP32", ByteString.EMPTY).toByteArray());
        list.add(inferRequest("cpu", List.of(-1L, 6L), "FP32", ByteString.copyFrom(new byte[24])).toByteArray());
        list.add(inferRequest("cpu", List.of(65_536L), "BYTES", ByteString.copyFrom(new byte[1 << 18])).toByteArray());
        list.add(inferRequest("cpu", List.of(1L, 6L), "BYTES", ByteString.copyFrom(new byte[] {-1, -1, -1, 127, 1}))
                .toByteArray());
        list.add(inferRequest("cpu", List.of(1L, 6L), "FP16", ByteString.copyFrom(new byte[12])).toByteArray());
        GrpcService.ModelInferRequest.Builder mixed = inferRequest("cpu", List.of(1L, 6L), "FP32",
                ByteString.copyFrom(new byte[24])).toBuilder();
        mixed.getInputsBuilder(0).getContentsBuilder().addFp32Contents(1f);
        list.add(mixed.build().toByteArray());
        GrpcService.ModelInferRequest.Builder many = GrpcService.ModelInferRequest.newBuilder().setModelName("cpu");
        for (int i = 0; i < 2000; i++) {
            many.addInputsBuilder().setName("input").setDatatype("FP32").addShape(1).addShape(65_536);
        }
        list.add(many.build().toByteArray());
        // A length-delimited field (model_name) that declares a gigabyte but carries three bytes.
        list.add(new byte[] {0x0a, (byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80, 0x04, 'c', 'p', 'u'});
        // 10 000 nested groups (start-group tags): protobuf's recursion limit must stop it.
        byte[] groups = new byte[20_000];
        for (int i = 0; i < groups.length; i += 2) {
            groups[i] = (byte) 0xa3;
            groups[i + 1] = 0x01;
        }
        list.add(groups);
        return Arbitraries.of(list);
    }

}
