package dev.anomalyops.core.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.anomalyops.core.StorageException;
import dev.anomalyops.core.internal.Json;
import dev.anomalyops.core.registry.ModelVersion;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The JSON documents registries store beside bundles: one per version and one per alias. Shared so that
 * the file-system, S3 and other implementations write the same, inspectable layout. For registry
 * implementers.
 */
public final class RegistryDocuments {
    private RegistryDocuments() {}

    /**
     * @param version a version
     * @return its JSON document
     */
    public static byte[] writeVersion(ModelVersion version) {
        ObjectNode node = Json.object();
        node.put("model", version.model());
        node.put("version", version.version());
        node.put("bundleChecksum", version.bundleChecksum());
        node.put("bundleVersion", version.bundleVersion());
        node.put("format", version.format());
        node.put("schemaFingerprint", version.schemaFingerprint());
        node.put("registeredAt", version.registeredAt().toString());
        ObjectNode tags = node.putObject("tags");
        version.tags().forEach(tags::put);
        return Json.write(node);
    }

    /**
     * @param bytes a document written by {@link #writeVersion}
     * @param where where it was read from, for error messages
     * @return the version
     * @throws StorageException when the document is unreadable
     */
    public static ModelVersion readVersion(byte[] bytes, String where) {
        try {
            JsonNode node = Json.parse(bytes);
            Map<String, String> tags = new TreeMap<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = node.path("tags").fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                tags.put(e.getKey(), e.getValue().asText());
            }
            return new ModelVersion(required(node, "model", where).asText(), required(node, "version", where).asInt(),
                    required(node, "bundleChecksum", where).asText(), node.path("bundleVersion").asText(""),
                    node.path("format").asText(""), node.path("schemaFingerprint").asText(""),
                    Instant.parse(required(node, "registeredAt", where).asText()), tags);
        } catch (IOException | RuntimeException e) {
            if (e instanceof StorageException se) {
                throw se;
            }
            throw new StorageException("Registry document " + where + " is unreadable: " + e.getMessage(), e);
        }
    }

    /**
     * @param state an alias state
     * @return its JSON document
     */
    public static byte[] writeAlias(AliasState state) {
        ObjectNode node = Json.object();
        node.put("version", state.version());
        ArrayNode history = node.putArray("history");
        state.history().forEach(history::add);
        node.put("updatedAt", state.updatedAt().toString());
        return Json.write(node);
    }

    /**
     * @param bytes a document written by {@link #writeAlias}
     * @param where where it was read from, for error messages
     * @return the alias state
     * @throws StorageException when the document is unreadable
     */
    public static AliasState readAlias(byte[] bytes, String where) {
        try {
            JsonNode node = Json.parse(bytes);
            List<Integer> history = new ArrayList<>();
            for (JsonNode v : node.path("history")) {
                history.add(v.asInt());
            }
            return new AliasState(required(node, "version", where).asInt(), history,
                    Instant.parse(required(node, "updatedAt", where).asText()));
        } catch (IOException | RuntimeException e) {
            if (e instanceof StorageException se) {
                throw se;
            }
            throw new StorageException("Alias document " + where + " is unreadable: " + e.getMessage(), e);
        }
    }

    private static JsonNode required(JsonNode node, String field, String where) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            throw new StorageException("Registry document " + where + " lacks the field \"" + field + "\"");
        }
        return value;
    }
}
