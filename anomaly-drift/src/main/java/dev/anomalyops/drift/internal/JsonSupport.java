package dev.anomalyops.drift.internal;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import org.jspecify.annotations.Nullable;

/**
 * The Jackson configuration of this module and small typed accessors. Strict on input (duplicate keys, trailing
 * tokens and oversized documents fail) because profiles and webhook bodies come from outside; stable on output.
 */
public final class JsonSupport {
    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(SerializationFeature.INDENT_OUTPUT)
            .build();
    private static final ObjectMapper COMPACT = MAPPER.copy().disable(SerializationFeature.INDENT_OUTPUT);

    static {
        StreamReadConstraints limits = StreamReadConstraints.builder()
                .maxNestingDepth(64)
                .maxStringLength(1 << 20)
                .maxNumberLength(400)
                .build();
        MAPPER.getFactory().setStreamReadConstraints(limits);
        COMPACT.getFactory().setStreamReadConstraints(limits);
    }

    private JsonSupport() {}

    /** @return the module's shared, thread-safe mapper */
    public static ObjectMapper mapper() {
        return MAPPER;
    }

    /**
     * @param bytes UTF-8 JSON
     * @return the tree
     * @throws IOException when it is not valid JSON
     */
    public static JsonNode parse(byte[] bytes) throws IOException {
        return MAPPER.readTree(bytes);
    }

    /**
     * @param node a tree
     * @return pretty-printed UTF-8 bytes ending with a newline
     */
    public static byte[] write(JsonNode node) {
        try {
            return (MAPPER.writeValueAsString(node) + "\n").getBytes(StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * @param node a tree
     * @return compact UTF-8 bytes, for request bodies
     */
    public static byte[] writeCompact(JsonNode node) {
        try {
            return COMPACT.writeValueAsBytes(node);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * @param node an object
     * @param field a field name
     * @param where where the object was found, for messages
     * @return the field's text
     * @throws IllegalArgumentException when it is absent or not a string
     */
    public static String text(JsonNode node, String field, String where) {
        JsonNode value = node.get(field);
        if (value == null || !value.isTextual()) {
            throw new IllegalArgumentException(where + "." + field + " must be a string");
        }
        return value.asText();
    }

    /**
     * @param node an object
     * @param field a field name
     * @param where where the object was found, for messages
     * @return the field, an array
     * @throws IllegalArgumentException when it is absent or not an array
     */
    public static JsonNode array(JsonNode node, String field, String where) {
        JsonNode value = node.get(field);
        if (value == null || !value.isArray()) {
            throw new IllegalArgumentException(where + "." + field + " must be an array");
        }
        return value;
    }

    /**
     * @param value a node
     * @param where its location, for messages
     * @return its number
     * @throws IllegalArgumentException when it is absent or not a number
     */
    public static double number(@Nullable JsonNode value, String where) {
        if (value == null || !value.isNumber()) {
            throw new IllegalArgumentException(where + " must be a number");
        }
        return value.doubleValue();
    }

    /**
     * @param value a node
     * @param where its location, for messages
     * @return its non-negative integer
     * @throws IllegalArgumentException when it is absent or not a non-negative integer
     */
    public static long integer(@Nullable JsonNode value, String where) {
        if (value == null || !value.isIntegralNumber() || !value.canConvertToLong() || value.longValue() < 0) {
            throw new IllegalArgumentException(where + " must be a non-negative integer");
        }
        return value.longValue();
    }
}
