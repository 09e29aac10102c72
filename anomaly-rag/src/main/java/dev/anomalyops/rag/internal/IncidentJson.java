package dev.anomalyops.rag.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import org.jspecify.annotations.Nullable;

/** JSON helpers shared by the stores and the LLM client: one mapper, and null-aware field access. */
public final class IncidentJson {
    private static final ObjectMapper MAPPER = JsonMapper.builder().build();

    private IncidentJson() {}

    /** @return the shared, thread-safe mapper */
    public static ObjectMapper mapper() {
        return MAPPER;
    }

    /** @return a new empty object */
    public static ObjectNode object() {
        return MAPPER.createObjectNode();
    }

    /**
     * @param node a JSON tree
     * @return compact JSON text
     */
    public static String write(JsonNode node) {
        try {
            return MAPPER.writeValueAsString(node);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * @param text JSON text
     * @return the tree
     * @throws IOException when it is not JSON
     */
    public static JsonNode read(String text) throws IOException {
        return MAPPER.readTree(text);
    }

    /**
     * @param node an object
     * @param field a field name
     * @return its text, or null when absent or JSON null
     */
    public static @Nullable String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value == null || value.isNull() ? null : value.asText();
    }

    /**
     * @param node an object
     * @param field a field name
     * @param value a value; null writes nothing
     */
    public static void put(ObjectNode node, String field, @Nullable Object value) {
        if (value != null) {
            node.put(field, value.toString());
        }
    }

    /**
     * @param node an object
     * @param field a field holding an ISO-8601 instant
     * @return the instant, or null when absent
     */
    public static @Nullable Instant instant(JsonNode node, String field) {
        String text = text(node, field);
        return text == null ? null : Instant.parse(text);
    }
}
