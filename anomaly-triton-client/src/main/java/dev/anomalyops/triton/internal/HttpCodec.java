package dev.anomalyops.triton.internal;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.util.TokenBuffer;
import dev.anomalyops.triton.Datatype;
import dev.anomalyops.triton.InferRequest;
import dev.anomalyops.triton.InferResponse;
import dev.anomalyops.triton.InvalidRequestException;
import dev.anomalyops.triton.ModelMetadata;
import dev.anomalyops.triton.RepositoryModel;
import dev.anomalyops.triton.ServerMetadata;
import dev.anomalyops.triton.Tensor;
import dev.anomalyops.triton.TensorMetadata;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The REST/JSON form of the protocol, both directions, with Triton's binary tensor extension: a JSON header
 * followed by raw little-endian tensors, the header's length in {@code Inference-Header-Content-Length}.
 * Requests are parsed with a streaming parser (flat or nested {@code data} arrays; NaN and Infinity tokens and
 * {@code null} accepted for FP32/FP64, {@code null} meaning NaN), bounded in nesting depth and element count.
 */
public final class HttpCodec {
    /** Header carrying the JSON part's length when binary tensors follow it. */
    public static final String HEADER_LENGTH = "Inference-Header-Content-Length";
    static final ObjectMapper JSON = new ObjectMapper(JsonFactory.builder()
            .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
            // NaN and infinities go out as bare NaN / Infinity, as Python's json and Triton's parser write and read
            // them; quoted forms are accepted on input too.
            .disable(JsonWriteFeature.WRITE_NAN_AS_STRINGS)
            .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(64).maxNumberLength(64)
                    .maxStringLength(16 << 20).build())
            .build());

    private HttpCodec() {}

    /** A body and, when binary parts follow the JSON, the JSON's length (else -1). */
    public record Body(byte[] bytes, int jsonLength) {}

    /**
     * A request as a server read it, with the binary-output choices the protocol puts on the request.
     *
     * @param request the request
     * @param binaryAll the request parameter {@code binary_data_output}
     * @param binaryOutputs outputs asked for with {@code "binary_data": true}
     * @param jsonOutputs outputs asked for with {@code "binary_data": false}
     */
    public record DecodedRequest(InferRequest request, boolean binaryAll, Set<String> binaryOutputs,
            Set<String> jsonOutputs) {
        /**
         * @param output an output name
         * @return whether to send it in binary form
         */
        public boolean binary(String output) {
            return binaryOutputs.contains(output) || (binaryAll && !jsonOutputs.contains(output));
        }
    }

    // ---------------------------------------------------------------- requests

    /**
     * @param request a request
     * @param binaryInputs send fixed-size tensors as binary
     * @param binaryOutputs ask for outputs in binary form
     * @return the body
     */
    public static Body encodeRequest(InferRequest request, boolean binaryInputs, boolean binaryOutputs) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        List<byte[]> binary = new ArrayList<>();
        try (JsonGenerator json = JSON.getFactory().createGenerator(out)) {
            json.writeStartObject();
            if (!request.id().isEmpty()) {
                json.writeStringField("id", request.id());
            }
            if (!request.parameters().isEmpty() || binaryOutputs) {
                json.writeObjectFieldStart("parameters");
                writeParameters(json, request.parameters());
                if (binaryOutputs && !request.parameters().containsKey("binary_data_output")) {
                    json.writeBooleanField("binary_data_output", true);
                }
                json.writeEndObject();
            }
            json.writeArrayFieldStart("inputs");
            for (Tensor input : request.inputs()) {
                json.writeStartObject();
                json.writeStringField("name", input.name());
                writeShape(json, input.shape());
                json.writeStringField("datatype", input.datatype().name());
                if (binaryInputs && input.datatype() != Datatype.BYTES) {
                    byte[] raw = input.rawBytes();
                    binary.add(raw);
                    json.writeObjectFieldStart("parameters");
                    json.writeNumberField("binary_data_size", raw.length);
                    json.writeEndObject();
                } else {
                    json.writeFieldName("data");
                    writeData(json, input);
                }
                json.writeEndObject();
            }
            json.writeEndArray();
            if (!request.outputs().isEmpty()) {
                json.writeArrayFieldStart("outputs");
                for (String output : request.outputs()) {
                    json.writeStartObject();
                    json.writeStringField("name", output);
                    if (binaryOutputs) {
                        json.writeObjectFieldStart("parameters");
                        json.writeBooleanField("binary_data", true);
                        json.writeEndObject();
                    }
                    json.writeEndObject();
                }
                json.writeEndArray();
            }
            json.writeEndObject();
        } catch (IOException e) {
            throw new IllegalStateException("Cannot encode the request as JSON", e);
        }
        return withBinary(out, binary);
    }

    /**
     * Reads a request body.
     *
     * @param body the whole body
     * @param jsonLength the {@value #HEADER_LENGTH} header, or -1 when absent
     * @param model model name from the URL
     * @param version version from the URL, or empty
     * @param maxElements most elements one input may have
     * @return the request
     * @throws InvalidRequestException for malformed JSON, a bad shape or inconsistent binary sizes
     */
    public static DecodedRequest decodeRequest(byte[] body, int jsonLength, String model, String version,
            long maxElements) {
        int json = jsonLength < 0 ? body.length : jsonLength;
        if (json > body.length) {
            throw new InvalidRequestException(HEADER_LENGTH + " is " + jsonLength + " but the body has only "
                    + body.length + " bytes");
        }
        if (json == 0) {
            throw new InvalidRequestException("Raw binary requests (" + HEADER_LENGTH
                    + ": 0) are not supported; send a JSON header describing the input");
        }
        String id = "";
        Map<String, Object> parameters = new LinkedHashMap<>();
        List<PendingInput> inputs = new ArrayList<>();
        List<String> outputs = new ArrayList<>();
        Set<String> binaryOutputs = new HashSet<>();
        Set<String> jsonOutputs = new HashSet<>();
        boolean sawInputs = false;
        try (JsonParser p = JSON.getFactory().createParser(body, 0, json)) {
            expect(p.nextToken(), JsonToken.START_OBJECT, "the request body");
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken value = p.nextToken();
                switch (field) {
                    case "id" -> {
                        expect(value, JsonToken.VALUE_STRING, "\"id\"");
                        id = p.getText();
                    }
                    case "parameters" -> parameters.putAll(readParameters(p, value, "\"parameters\""));
                    case "inputs" -> {
                        expect(value, JsonToken.START_ARRAY, "\"inputs\"");
                        sawInputs = true;
                        while (p.nextToken() != JsonToken.END_ARRAY) {
                            inputs.add(readInput(p, maxElements));
                        }
                    }
                    case "outputs" -> {
                        expect(value, JsonToken.START_ARRAY, "\"outputs\"");
                        while (p.nextToken() != JsonToken.END_ARRAY) {
                            expect(p.currentToken(), JsonToken.START_OBJECT, "an entry of \"outputs\"");
                            String name = null;
                            Boolean binary = null;
                            while (p.nextToken() == JsonToken.FIELD_NAME) {
                                String f = p.currentName();
                                JsonToken v = p.nextToken();
                                if (f.equals("name")) {
                                    expect(v, JsonToken.VALUE_STRING, "an output's \"name\"");
                                    name = p.getText();
                                } else if (f.equals("parameters")) {
                                    Object b = readParameters(p, v, "an output's \"parameters\"").get("binary_data");
                                    if (b instanceof Boolean flag) {
                                        binary = flag;
                                    }
                                } else {
                                    p.skipChildren();
                                }
                            }
                            if (name == null) {
                                throw new InvalidRequestException("An entry of \"outputs\" has no \"name\"");
                            }
                            outputs.add(name);
                            if (binary != null) {
                                (binary ? binaryOutputs : jsonOutputs).add(name);
                            }
                        }
                    }
                    default -> p.skipChildren();
                }
            }
            if (p.nextToken() != null) {
                throw new InvalidRequestException("Unexpected content after the request's JSON object");
            }
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new InvalidRequestException("Malformed JSON in the request: " + firstLine(e.getOriginalMessage()), e);
        } catch (IOException e) {
            throw new InvalidRequestException("Cannot read the request: " + e.getMessage(), e);
        }
        if (!sawInputs) {
            throw new InvalidRequestException("The request has no \"inputs\"");
        }
        int offset = json;
        List<Tensor> tensors = new ArrayList<>(inputs.size());
        for (PendingInput input : inputs) {
            if (input.binarySize >= 0) {
                // Compare without adding: a declared size near Long.MAX_VALUE would overflow offset + size.
                if (input.binarySize > body.length - offset) {
                    throw new InvalidRequestException("Input \"" + input.name + "\" declares binary_data_size "
                            + input.binarySize + " but only " + (body.length - offset) + " bytes of binary data remain");
                }
                byte[] raw = Arrays.copyOfRange(body, offset, (int) (offset + input.binarySize));
                offset += (int) input.binarySize;
                tensors.add(Tensor.raw(input.name, input.datatype, input.shape, raw));
            } else {
                tensors.add(input.tensor);
            }
        }
        if (offset != body.length) {
            throw new InvalidRequestException("The request carries " + (body.length - offset)
                    + " bytes of binary data that no input claims");
        }
        boolean binaryAll = Boolean.TRUE.equals(parameters.remove("binary_data_output"));
        InferRequest request = new InferRequest(model, version, id, tensors, outputs, parameters);
        return new DecodedRequest(request, binaryAll, binaryOutputs, jsonOutputs);
    }

    private static final class PendingInput {
        String name;
        Datatype datatype;
        long[] shape;
        long binarySize = -1;
        Tensor tensor;
    }

    private static PendingInput readInput(JsonParser p, long maxElements) throws IOException {
        expect(p.currentToken(), JsonToken.START_OBJECT, "an entry of \"inputs\"");
        PendingInput input = new PendingInput();
        TokenBuffer deferredData = null;
        boolean dataSeen = false;
        Object data = null;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            JsonToken value = p.nextToken();
            switch (field) {
                case "name" -> {
                    expect(value, JsonToken.VALUE_STRING, "an input's \"name\"");
                    input.name = p.getText();
                }
                case "datatype" -> {
                    expect(value, JsonToken.VALUE_STRING, "an input's \"datatype\"");
                    try {
                        input.datatype = Datatype.of(p.getText());
                    } catch (IllegalArgumentException e) {
                        throw new InvalidRequestException("Input " + quoted(input.name) + " has " + e.getMessage());
                    }
                }
                case "shape" -> {
                    expect(value, JsonToken.START_ARRAY, "an input's \"shape\"");
                    List<Long> dims = new ArrayList<>();
                    while (p.nextToken() != JsonToken.END_ARRAY) {
                        if (p.currentToken() != JsonToken.VALUE_NUMBER_INT) {
                            throw new InvalidRequestException("Input " + quoted(input.name)
                                    + " has a \"shape\" with a non-integer dimension");
                        }
                        dims.add(p.getLongValue());
                        if (dims.size() > 16) {
                            throw new InvalidRequestException("Input " + quoted(input.name)
                                    + " has more than 16 dimensions");
                        }
                    }
                    input.shape = dims.stream().mapToLong(Long::longValue).toArray();
                }
                case "parameters" -> {
                    Object size = readParameters(p, value, "an input's \"parameters\"").get("binary_data_size");
                    if (size != null) {
                        if (!(size instanceof Long l) || l < 0) {
                            throw new InvalidRequestException("Input " + quoted(input.name)
                                    + " has a binary_data_size that is not a non-negative integer");
                        }
                        input.binarySize = l;
                    }
                }
                case "data" -> {
                    dataSeen = true;
                    if (input.datatype != null && input.shape != null) {
                        long count = Tensor.elementCount(String.valueOf(input.name), input.shape);
                        checkSize(input, count, maxElements);
                        data = readData(p, input.datatype, (int) count, input.name);
                    } else {
                        deferredData = buffered(p, maxElements, input.name);
                    }
                }
                default -> p.skipChildren();
            }
        }
        if (input.name == null || input.datatype == null || input.shape == null) {
            throw new InvalidRequestException("Input " + quoted(input.name) + " must have \"name\", \"shape\" and"
                    + " \"datatype\"");
        }
        long count = Tensor.elementCount(input.name, input.shape);
        checkSize(input, count, maxElements);
        if (input.binarySize >= 0) {
            if (dataSeen) {
                throw new InvalidRequestException("Input \"" + input.name + "\" has both \"data\" and binary_data_size");
            }
            return input;
        }
        if (!dataSeen) {
            throw new InvalidRequestException("Input \"" + input.name + "\" has neither \"data\" nor binary_data_size");
        }
        if (deferredData != null) {
            try (JsonParser again = deferredData.asParser(p.getCodec())) {
                again.nextToken();
                data = readData(again, input.datatype, (int) count, input.name);
            }
        }
        input.tensor = typed(input.name, input.datatype, input.shape, data);
        return input;
    }

    /**
     * Keeps a {@code data} array that came before the input's shape or datatype, counting its values so that a
     * huge array is refused at the element limit instead of being held as a tree several times its size.
     */
    private static TokenBuffer buffered(JsonParser p, long maxElements, @Nullable String name) throws IOException {
        if (p.currentToken() != JsonToken.START_ARRAY) {
            throw new InvalidRequestException("Input " + quoted(name) + " has \"data\" that is not an array");
        }
        TokenBuffer buffer = new TokenBuffer(p, null);
        buffer.copyCurrentEvent(p);
        int depth = 1;
        long values = 0;
        while (depth > 0) {
            JsonToken token = p.nextToken();
            if (token == null) {
                throw new InvalidRequestException("Input " + quoted(name) + " has an unterminated \"data\" array");
            }
            if (token == JsonToken.START_ARRAY) {
                depth++;
            } else if (token == JsonToken.END_ARRAY) {
                depth--;
            } else if (++values > maxElements) {
                throw new InvalidRequestException("Input " + quoted(name) + " has more than " + maxElements
                        + " values in \"data\", the server's limit");
            }
            buffer.copyCurrentEvent(p);
        }
        return buffer;
    }

    private static void checkSize(PendingInput input, long count, long maxElements) {
        if (count > maxElements) {
            throw new InvalidRequestException("Input \"" + input.name + "\" has " + count
                    + " elements, more than the server's limit of " + maxElements);
        }
    }

    /** Reads a flat or nested array into a typed, growable buffer. */
    private static Object readData(JsonParser p, Datatype type, int expected, String name) throws IOException {
        if (p.currentToken() != JsonToken.START_ARRAY) {
            throw new InvalidRequestException("Input \"" + name + "\" has \"data\" that is not an array");
        }
        DataBuffer buffer = new DataBuffer(type, expected, name);
        int depth = 1;
        while (depth > 0) {
            JsonToken token = p.nextToken();
            if (token == null) {
                throw new InvalidRequestException("Input \"" + name + "\" has an unterminated \"data\" array");
            }
            switch (token) {
                case START_ARRAY -> depth++;
                case END_ARRAY -> depth--;
                default -> buffer.add(p, token);
            }
        }
        return buffer.finish();
    }

    private static final class DataBuffer {
        private final Datatype type;
        private final int expected;
        private final String name;
        private float[] floats;
        private double[] doubles;
        private long[] longs;
        private boolean[] booleans;
        private List<byte[]> strings;
        private int size;

        DataBuffer(Datatype type, int expected, String name) {
            this.type = type;
            this.expected = expected;
            this.name = name;
            switch (type) {
                case FP32 -> floats = new float[expected];
                case FP64 -> doubles = new double[expected];
                case BOOL -> booleans = new boolean[expected];
                case BYTES -> strings = new ArrayList<>();
                case FP16, BF16 -> throw new InvalidRequestException("Input \"" + name + "\" is " + type
                        + ", which JSON cannot carry; send it as binary data");
                default -> longs = new long[expected];
            }
        }

        void add(JsonParser p, JsonToken token) throws IOException {
            if (size >= expected) {
                throw new InvalidRequestException("Input \"" + name + "\" has more values in \"data\" than its shape"
                        + " holds (" + expected + ")");
            }
            switch (type) {
                case FP32 -> floats[size] = (float) number(p, token);
                case FP64 -> doubles[size] = number(p, token);
                case BOOL -> {
                    if (token != JsonToken.VALUE_TRUE && token != JsonToken.VALUE_FALSE) {
                        throw wrongValue(token);
                    }
                    booleans[size] = token == JsonToken.VALUE_TRUE;
                }
                case BYTES -> {
                    if (token != JsonToken.VALUE_STRING) {
                        throw wrongValue(token);
                    }
                    strings.add(p.getText().getBytes(StandardCharsets.UTF_8));
                }
                default -> {
                    if (token != JsonToken.VALUE_NUMBER_INT) {
                        throw wrongValue(token);
                    }
                    longs[size] = p.getLongValue();
                }
            }
            size++;
        }

        private double number(JsonParser p, JsonToken token) throws IOException {
            if (token == JsonToken.VALUE_NUMBER_FLOAT || token == JsonToken.VALUE_NUMBER_INT) {
                return p.getDoubleValue();
            }
            if (token == JsonToken.VALUE_NULL) {
                return Double.NaN;
            }
            if (token == JsonToken.VALUE_STRING) {
                switch (p.getText()) {
                    case "NaN":
                        return Double.NaN;
                    case "Infinity":
                    case "+Infinity":
                        return Double.POSITIVE_INFINITY;
                    case "-Infinity":
                        return Double.NEGATIVE_INFINITY;
                    default:
                        break;
                }
            }
            throw wrongValue(token);
        }

        private InvalidRequestException wrongValue(JsonToken token) {
            return new InvalidRequestException("Input \"" + name + "\" of " + type + " has " + describe(token)
                    + " in \"data\" at position " + size);
        }

        Object finish() {
            if (size != expected) {
                throw new InvalidRequestException("Input \"" + name + "\" has " + size + " values in \"data\" but its"
                        + " shape holds " + expected);
            }
            return switch (type) {
                case FP32 -> floats;
                case FP64 -> doubles;
                case BOOL -> booleans;
                case BYTES -> strings;
                default -> longs;
            };
        }
    }

    @SuppressWarnings("unchecked")
    private static Tensor typed(String name, Datatype type, long[] shape, Object data) {
        return switch (type) {
            case FP32 -> Tensor.fp32(name, shape, (float[]) data);
            case FP64 -> Tensor.fp64(name, shape, (double[]) data);
            case BOOL -> Tensor.bool(name, shape, (boolean[]) data);
            case BYTES -> Tensor.bytes(name, shape, (List<byte[]>) data);
            case INT64 -> Tensor.int64(name, shape, (long[]) data);
            case UINT64 -> Tensor.raw(name, type, shape, Tensor.int64(name, shape, (long[]) data).rawBytes());
            default -> {
                long[] longs = (long[]) data;
                int[] ints = new int[longs.length];
                for (int i = 0; i < longs.length; i++) {
                    ints[i] = (int) longs[i];
                }
                if (type == Datatype.UINT32) {
                    yield Tensor.raw(name, type, shape, Tensor.ints(name, Datatype.INT32, shape, ints).rawBytes());
                }
                yield Tensor.ints(name, type, shape, ints);
            }
        };
    }

    // ---------------------------------------------------------------- responses

    /**
     * @param response a response
     * @param decoded the request it answers, for its binary-output choices
     * @return the body
     */
    public static Body encodeResponse(InferResponse response, DecodedRequest decoded) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        List<byte[]> binary = new ArrayList<>();
        try (JsonGenerator json = JSON.getFactory().createGenerator(out)) {
            json.writeStartObject();
            json.writeStringField("model_name", response.model());
            json.writeStringField("model_version", response.version());
            if (!response.id().isEmpty()) {
                json.writeStringField("id", response.id());
            }
            if (!response.parameters().isEmpty()) {
                json.writeObjectFieldStart("parameters");
                writeParameters(json, response.parameters());
                json.writeEndObject();
            }
            json.writeArrayFieldStart("outputs");
            for (Tensor output : response.outputs()) {
                json.writeStartObject();
                json.writeStringField("name", output.name());
                json.writeStringField("datatype", output.datatype().name());
                writeShape(json, output.shape());
                if (decoded.binary(output.name())) {
                    byte[] raw = output.rawBytes();
                    binary.add(raw);
                    json.writeObjectFieldStart("parameters");
                    json.writeNumberField("binary_data_size", raw.length);
                    json.writeEndObject();
                } else {
                    json.writeFieldName("data");
                    writeData(json, output);
                }
                json.writeEndObject();
            }
            json.writeEndArray();
            json.writeEndObject();
        } catch (IOException e) {
            throw new IllegalStateException("Cannot encode the response as JSON", e);
        }
        return withBinary(out, binary);
    }

    /**
     * @param body the whole body
     * @param jsonLength the {@value #HEADER_LENGTH} header, or -1
     * @return the response
     */
    public static InferResponse decodeResponse(byte[] body, int jsonLength) {
        int json = jsonLength < 0 ? body.length : jsonLength;
        try {
            JsonNode root = JSON.readTree(body, 0, json);
            int offset = json;
            List<Tensor> outputs = new ArrayList<>();
            for (JsonNode output : root.path("outputs")) {
                String name = output.path("name").asText();
                Datatype type = Datatype.of(output.path("datatype").asText());
                long[] shape = shape(output.path("shape"));
                JsonNode size = output.path("parameters").path("binary_data_size");
                if (!size.isMissingNode()) {
                    int n = size.asInt();
                    if (n < 0 || n > body.length - offset) {
                        throw new InvalidRequestException("The response's output \"" + name + "\" declares "
                                + n + " bytes of binary data but fewer remain");
                    }
                    outputs.add(Tensor.raw(name, type, shape, Arrays.copyOfRange(body, offset, offset + n)));
                    offset += n;
                } else {
                    try (JsonParser p = JSON.treeAsTokens(output.path("data"))) {
                        p.nextToken();
                        int count = (int) Tensor.elementCount(name, shape);
                        outputs.add(typed(name, type, shape, readData(p, type, count, name)));
                    }
                }
            }
            Map<String, Object> parameters = root.has("parameters") ? parameters(root.path("parameters")) : Map.of();
            return new InferResponse(root.path("model_name").asText(), root.path("model_version").asText(""),
                    root.path("id").asText(""), outputs, parameters);
        } catch (IOException e) {
            throw new InvalidRequestException("The server's inference response is not valid JSON: " + e.getMessage(), e);
        }
    }

    // ---------------------------------------------------------------- metadata and errors

    /**
     * @param message the error
     * @return {@code {"error": message}}
     */
    public static byte[] error(String message) {
        ObjectNode node = JSON.createObjectNode();
        node.put("error", message);
        return bytes(node);
    }

    /**
     * @param status the HTTP status
     * @param body the error body (any shape)
     * @return the server's message: {@code error}, KServe's {@code detail}, or the text itself
     */
    public static String errorMessage(int status, byte[] body) {
        if (body.length == 0) {
            return "HTTP " + status + " with an empty body";
        }
        try {
            JsonNode root = JSON.readTree(body);
            if (root.hasNonNull("error")) {
                return root.get("error").asText();
            }
            if (root.has("detail")) {
                JsonNode detail = root.get("detail");
                return detail.isTextual() ? detail.asText() : detail.toString();
            }
        } catch (IOException e) {
            // Not JSON (a proxy's HTML page, plain text): the text itself is the message.
        }
        String text = new String(body, 0, Math.min(body.length, 500), StandardCharsets.UTF_8).strip();
        return text.isEmpty() ? "HTTP " + status : text;
    }

    /**
     * @param metadata server metadata
     * @return its JSON
     */
    public static byte[] serverMetadata(ServerMetadata metadata) {
        ObjectNode node = JSON.createObjectNode();
        node.put("name", metadata.name());
        node.put("version", metadata.version());
        ArrayNode extensions = node.putArray("extensions");
        metadata.extensions().forEach(extensions::add);
        return bytes(node);
    }

    /**
     * @param body the JSON
     * @return the server metadata
     */
    public static ServerMetadata serverMetadata(byte[] body) {
        JsonNode root = tree(body, "server metadata");
        List<String> extensions = new ArrayList<>();
        root.path("extensions").forEach(e -> extensions.add(e.asText()));
        return new ServerMetadata(root.path("name").asText(), root.path("version").asText(), extensions);
    }

    /**
     * @param metadata model metadata
     * @return its JSON
     */
    public static byte[] modelMetadata(ModelMetadata metadata) {
        ObjectNode node = JSON.createObjectNode();
        node.put("name", metadata.name());
        ArrayNode versions = node.putArray("versions");
        metadata.versions().forEach(versions::add);
        node.put("platform", metadata.platform());
        tensors(node.putArray("inputs"), metadata.inputs());
        tensors(node.putArray("outputs"), metadata.outputs());
        if (!metadata.properties().isEmpty()) {
            ObjectNode properties = node.putObject("properties");
            metadata.properties().forEach(properties::put);
        }
        return bytes(node);
    }

    /**
     * @param body the JSON
     * @return the model metadata
     */
    public static ModelMetadata modelMetadata(byte[] body) {
        JsonNode root = tree(body, "model metadata");
        List<String> versions = new ArrayList<>();
        root.path("versions").forEach(v -> versions.add(v.asText()));
        Map<String, String> properties = new LinkedHashMap<>();
        root.path("properties").fields().forEachRemaining(e -> properties.put(e.getKey(), e.getValue().asText()));
        return new ModelMetadata(root.path("name").asText(), versions, root.path("platform").asText(""),
                tensors(root.path("inputs")), tensors(root.path("outputs")), properties);
    }

    /**
     * @param models repository index entries
     * @return the JSON array
     */
    public static byte[] repositoryIndex(List<RepositoryModel> models) {
        ArrayNode array = JSON.createArrayNode();
        for (RepositoryModel model : models) {
            ObjectNode node = array.addObject();
            node.put("name", model.name());
            if (!model.version().isEmpty()) {
                node.put("version", model.version());
            }
            node.put("state", model.state());
            node.put("reason", model.reason());
        }
        return bytes(array);
    }

    /**
     * @param body the JSON array (entries may lack a version)
     * @return the entries
     */
    public static List<RepositoryModel> repositoryIndex(byte[] body) {
        List<RepositoryModel> models = new ArrayList<>();
        for (JsonNode node : tree(body, "repository index")) {
            models.add(new RepositoryModel(node.path("name").asText(), node.path("version").asText(""),
                    node.path("state").asText("UNKNOWN"), node.path("reason").asText("")));
        }
        return models;
    }

    /**
     * @param body a request body, possibly empty
     * @return the {@code ready} flag of a repository index request
     */
    public static boolean readyFlag(byte[] body) {
        if (body.length == 0) {
            return false;
        }
        JsonNode root = tree(body, "repository index request");
        return root.path("ready").asBoolean(false);
    }

    // ---------------------------------------------------------------- helpers

    private static void tensors(ArrayNode array, List<TensorMetadata> tensors) {
        for (TensorMetadata tensor : tensors) {
            ObjectNode node = array.addObject();
            node.put("name", tensor.name());
            node.put("datatype", tensor.datatype().name());
            ArrayNode shape = node.putArray("shape");
            tensor.shape().forEach(shape::add);
        }
    }

    private static List<TensorMetadata> tensors(JsonNode array) {
        List<TensorMetadata> tensors = new ArrayList<>();
        for (JsonNode node : array) {
            List<Long> shape = new ArrayList<>();
            node.path("shape").forEach(d -> shape.add(d.asLong()));
            tensors.add(new TensorMetadata(node.path("name").asText(), Datatype.of(node.path("datatype").asText()),
                    shape));
        }
        return tensors;
    }

    private static long[] shape(JsonNode node) {
        long[] shape = new long[node.size()];
        for (int i = 0; i < shape.length; i++) {
            shape[i] = node.get(i).asLong();
        }
        return shape;
    }

    private static JsonNode tree(byte[] body, String what) {
        try {
            return JSON.readTree(body);
        } catch (IOException e) {
            throw new InvalidRequestException("The " + what + " is not valid JSON: " + firstLine(e.getMessage()), e);
        }
    }

    private static byte[] bytes(JsonNode node) {
        try {
            return JSON.writeValueAsBytes(node);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Map<String, Object> parameters(JsonNode node) {
        Map<String, Object> out = new LinkedHashMap<>();
        node.fields().forEachRemaining(e -> {
            JsonNode v = e.getValue();
            out.put(e.getKey(), v.isBoolean() ? v.asBoolean() : v.isIntegralNumber() ? (Object) v.asLong()
                    : v.isNumber() ? (Object) v.asDouble() : v.asText());
        });
        return out;
    }

    private static Map<String, Object> readParameters(JsonParser p, JsonToken start, String what) throws IOException {
        expect(start, JsonToken.START_OBJECT, what);
        Map<String, Object> out = new LinkedHashMap<>();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            JsonToken token = p.nextToken();
            switch (token) {
                case VALUE_TRUE, VALUE_FALSE -> out.put(name, token == JsonToken.VALUE_TRUE);
                case VALUE_NUMBER_INT -> out.put(name, p.getLongValue());
                case VALUE_NUMBER_FLOAT -> out.put(name, p.getDoubleValue());
                case VALUE_STRING -> out.put(name, p.getText());
                default -> throw new InvalidRequestException("Parameter \"" + name + "\" in " + what
                        + " must be a string, number or boolean");
            }
        }
        return out;
    }

    private static void writeParameters(JsonGenerator json, Map<String, Object> parameters) throws IOException {
        for (Map.Entry<String, Object> e : parameters.entrySet()) {
            Object v = e.getValue();
            if (v instanceof Boolean b) {
                json.writeBooleanField(e.getKey(), b);
            } else if (v instanceof Long || v instanceof Integer) {
                json.writeNumberField(e.getKey(), ((Number) v).longValue());
            } else if (v instanceof Double d) {
                json.writeNumberField(e.getKey(), d);
            } else {
                json.writeStringField(e.getKey(), String.valueOf(v));
            }
        }
    }

    private static void writeShape(JsonGenerator json, long[] shape) throws IOException {
        json.writeArrayFieldStart("shape");
        for (long d : shape) {
            json.writeNumber(d);
        }
        json.writeEndArray();
    }

    private static void writeData(JsonGenerator json, Tensor tensor) throws IOException {
        json.writeStartArray();
        switch (tensor.datatype()) {
            case FP32 -> {
                for (float v : tensor.floats()) {
                    json.writeNumber(v);
                }
            }
            case FP64 -> {
                for (double v : tensor.doubles()) {
                    json.writeNumber(v);
                }
            }
            case BOOL -> {
                for (boolean v : tensor.booleans()) {
                    json.writeBoolean(v);
                }
            }
            case BYTES -> {
                for (byte[] v : tensor.byteElements()) {
                    json.writeString(new String(v, StandardCharsets.UTF_8));
                }
            }
            case FP16, BF16 -> throw new InvalidRequestException("Tensor \"" + tensor.name() + "\" is "
                    + tensor.datatype() + ", which JSON cannot carry; use binary data");
            default -> {
                for (long v : tensor.longs()) {
                    json.writeNumber(v);
                }
            }
        }
        json.writeEndArray();
    }

    private static Body withBinary(ByteArrayOutputStream json, List<byte[]> binary) {
        if (binary.isEmpty()) {
            return new Body(json.toByteArray(), -1);
        }
        int jsonLength = json.size();
        for (byte[] part : binary) {
            json.writeBytes(part);
        }
        return new Body(json.toByteArray(), jsonLength);
    }

    private static void expect(@Nullable JsonToken actual, JsonToken expected, String what) {
        if (actual != expected) {
            throw new InvalidRequestException("Expected " + what + " to be " + describe(expected) + " but found "
                    + describe(actual));
        }
    }

    private static String describe(@Nullable JsonToken token) {
        if (token == null) {
            return "the end of the body";
        }
        return switch (token) {
            case START_OBJECT -> "an object";
            case START_ARRAY -> "an array";
            case VALUE_STRING -> "a string";
            case VALUE_NUMBER_INT -> "an integer";
            case VALUE_NUMBER_FLOAT -> "a number";
            case VALUE_TRUE, VALUE_FALSE -> "a boolean";
            case VALUE_NULL -> "null";
            default -> token.toString();
        };
    }

    private static String quoted(@Nullable String name) {
        return name == null ? "(unnamed)" : "\"" + name + "\"";
    }

    static String firstLine(@Nullable String message) {
        if (message == null) {
            return "";
        }
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }
}
