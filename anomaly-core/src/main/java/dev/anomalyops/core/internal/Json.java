package dev.anomalyops.core.internal;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * The one Jackson configuration used for our own files (manifests, registry metadata): strict on input,
 * stable on output (sorted keys, pretty-printed) so equal content gives equal bytes and equal checksums.
 */
public final class Json {
    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(SerializationFeature.INDENT_OUTPUT)
            .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
            .build();

    static {
        // Untrusted files: keep nesting and sizes bounded (Jackson's defaults are generous).
        MAPPER.getFactory().setStreamReadConstraints(StreamReadConstraints.builder()
                .maxNestingDepth(200)
                .maxStringLength(64 * 1024 * 1024)
                .maxNumberLength(1000)
                .build());
    }

    private Json() {}

    /** @return the shared, thread-safe mapper */
    public static ObjectMapper mapper() {
        return MAPPER;
    }

    /** @return a new empty object node */
    public static ObjectNode object() {
        return MAPPER.createObjectNode();
    }

    /**
     * @param bytes UTF-8 JSON
     * @return the parsed tree
     * @throws IOException when it is not valid JSON
     */
    public static JsonNode parse(byte[] bytes) throws IOException {
        return MAPPER.readTree(bytes);
    }

    /**
     * @param node a tree
     * @return pretty-printed, key-sorted UTF-8 bytes ending with a newline
     */
    public static byte[] write(JsonNode node) {
        try {
            Object sorted = MAPPER.treeToValue(node, Object.class);
            byte[] body = MAPPER.writeValueAsBytes(sorted);
            byte[] out = java.util.Arrays.copyOf(body, body.length + 1);
            out[body.length] = '\n';
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot serialise JSON tree", e);
        }
    }
}
