package dev.anomalyops.features.logs.templates;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.anomalyops.core.ModelLoadException;
import dev.anomalyops.core.StorageException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The miner's saved state as JSON: format name and version, configuration, every cluster (active or merged)
 * with its tokens and counts, the union of template ids, and the pending generalisations. Reading checks
 * that ids are dense and consistent, so a damaged file fails to load instead of giving wrong ids.
 */
final class MinerState {
    static final String FORMAT = "anomalyops.template-miner";
    static final int VERSION = 1;
    private static final ObjectMapper JSON = new ObjectMapper();

    private MinerState() {}

    static void write(TemplateMiner miner, OutputStream out) throws IOException {
        JsonGenerator json = new JsonFactory().createGenerator(out);
        json.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
        json.useDefaultPrettyPrinter();
        json.writeStartObject();
        json.writeStringField("format", FORMAT);
        json.writeNumberField("version", VERSION);
        json.writeObjectFieldStart("config");
        json.writeNumberField("similarityThreshold", miner.similarityThreshold());
        json.writeNumberField("depth", miner.depth());
        json.writeNumberField("maxChildren", miner.maxChildren());
        json.writeNumberField("minDistinctValues", miner.minDistinctValues());
        json.writeNumberField("minDistinctValuesDominated", miner.minDistinctValuesDominated());
        json.writeNumberField("dominance", miner.dominance());
        json.writeNumberField("maxTokens", miner.maxTokens());
        json.writeNumberField("maxEvidence", miner.maxEvidence());
        Masking masking = miner.masking();
        json.writeObjectFieldStart("masking");
        json.writeBooleanField("numbers", masking.numbers());
        json.writeBooleanField("hexIds", masking.hexIds());
        json.writeBooleanField("paths", masking.paths());
        json.writeBooleanField("identifiers", masking.identifiers());
        json.writeBooleanField("dates", masking.dates());
        json.writeBooleanField("units", masking.units());
        json.writeArrayFieldStart("rules");
        for (var rule : masking.rules()) {
            json.writeString(rule.pattern());
        }
        json.writeEndArray();
        json.writeEndObject();
        json.writeEndObject();
        json.writeArrayFieldStart("clusters");
        for (Cluster cluster : miner.clusters()) {
            json.writeStartObject();
            json.writeNumberField("id", cluster.id);
            json.writeNumberField("template", miner.parentOf(cluster.id));
            json.writeNumberField("size", cluster.size);
            json.writeNumberField("templateCount", miner.groupCountOf(cluster.id));
            json.writeBooleanField("active", cluster.active);
            if (cluster.absorbedInto != null) {
                json.writeNumberField("absorbedInto", cluster.absorbedInto.id);
            }
            json.writeArrayFieldStart("tokens");
            for (String token : cluster.tokens) {
                json.writeString(token);
            }
            json.writeEndArray();
            json.writeEndObject();
        }
        json.writeEndArray();
        json.writeArrayFieldStart("evidence");
        for (Map.Entry<List<String>, Map<String, Long>> entry : miner.evidence().entrySet()) {
            json.writeStartObject();
            json.writeArrayFieldStart("signature");
            for (String token : entry.getKey()) {
                json.writeString(token);
            }
            json.writeEndArray();
            json.writeArrayFieldStart("values");
            for (Map.Entry<String, Long> value : entry.getValue().entrySet()) {
                json.writeStartObject();
                json.writeStringField("value", value.getKey());
                json.writeNumberField("count", value.getValue());
                json.writeEndObject();
            }
            json.writeEndArray();
            json.writeEndObject();
        }
        json.writeEndArray();
        json.writeEndObject();
        json.flush();
    }

    static void write(TemplateMiner miner, Path file) {
        Path absolute = file.toAbsolutePath();
        Path directory = absolute.getParent();
        Path temporary = null;
        try {
            if (directory != null) {
                Files.createDirectories(directory);
            }
            temporary = Files.createTempFile(directory, "." + absolute.getFileName(), ".tmp");
            try (OutputStream out = Files.newOutputStream(temporary)) {
                write(miner, out);
            }
            try {
                Files.move(temporary, absolute, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temporary, absolute, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            throw new StorageException("Cannot write the template miner state to \"" + file + "\": " + e.getMessage(), e);
        } finally {
            if (temporary != null) {
                try {
                    Files.deleteIfExists(temporary);
                } catch (IOException ignored) {
                    // The move succeeded or the write failed; a stray temporary file is harmless.
                }
            }
        }
    }

    static TemplateMiner read(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            return read(in, "\"" + file + "\"");
        } catch (NoSuchFileException e) {
            throw new ModelLoadException("Template miner state \"" + file + "\" does not exist", e);
        } catch (IOException e) {
            throw new ModelLoadException("Cannot read the template miner state \"" + file + "\": " + e.getMessage(), e);
        }
    }

    static TemplateMiner read(InputStream in, String source) {
        JsonNode root;
        try {
            root = JSON.readTree(in);
        } catch (JsonProcessingException e) {
            throw new ModelLoadException("Template miner state " + source + " is not valid JSON: "
                    + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new ModelLoadException("Cannot read the template miner state " + source + ": " + e.getMessage(), e);
        }
        try {
            return decode(root, source);
        } catch (IllegalArgumentException | NullPointerException | ClassCastException
                | dev.anomalyops.core.ConfigurationException e) {
            throw new ModelLoadException("Template miner state " + source + " is inconsistent: " + e.getMessage(), e);
        }
    }

    private static TemplateMiner decode(JsonNode root, String source) {
        if (root == null || !root.isObject() || !FORMAT.equals(root.path("format").asText(null))) {
            throw new ModelLoadException("Template miner state " + source + " is not of format \"" + FORMAT
                    + "\" (received format \"" + (root == null ? "" : root.path("format").asText("")) + "\")");
        }
        int version = root.path("version").asInt(-1);
        if (version != VERSION) {
            throw new ModelLoadException("Template miner state " + source + " has version " + version
                    + " but this library reads version " + VERSION);
        }
        JsonNode config = required(root, "config");
        JsonNode maskingNode = required(config, "masking");
        Masking.Builder masking = Masking.builder()
                .numbers(requiredBoolean(maskingNode, "numbers"))
                .hexIds(requiredBoolean(maskingNode, "hexIds"))
                .paths(requiredBoolean(maskingNode, "paths"))
                .identifiers(requiredBoolean(maskingNode, "identifiers"))
                .dates(requiredBoolean(maskingNode, "dates"))
                .units(requiredBoolean(maskingNode, "units"));
        for (JsonNode rule : required(maskingNode, "rules")) {
            masking.rule(rule.asText());
        }
        TemplateMiner miner = TemplateMiner.builder()
                .similarityThreshold(required(config, "similarityThreshold").asDouble())
                .depth(required(config, "depth").asInt())
                .maxChildren(required(config, "maxChildren").asInt())
                .minDistinctValues(required(config, "minDistinctValues").asInt())
                .minDistinctValuesDominated(required(config, "minDistinctValuesDominated").asInt())
                .dominance(required(config, "dominance").asDouble())
                .maxTokens(required(config, "maxTokens").asInt())
                .maxEvidence(required(config, "maxEvidence").asInt())
                .masking(masking.build())
                .build();
        JsonNode clusterNodes = required(root, "clusters");
        int n = clusterNodes.size();
        int[] parents = new int[n + 1];
        long[] counts = new long[n + 1];
        List<Cluster> created = new ArrayList<>(n);
        List<Integer> absorbedInto = new ArrayList<>(n);
        for (int index = 0; index < n; index++) {
            JsonNode node = clusterNodes.get(index);
            int id = required(node, "id").asInt();
            if (id != index + 1) {
                throw new IllegalArgumentException("cluster " + (index + 1) + " has id " + id + "; ids must be 1, 2, 3, ...");
            }
            int template = required(node, "template").asInt();
            if (template < 1 || template > id) {
                throw new IllegalArgumentException("cluster " + id + " belongs to template " + template
                        + " but a template id must be between 1 and the cluster's own id");
            }
            JsonNode tokenNodes = required(node, "tokens");
            String[] tokens = new String[tokenNodes.size()];
            for (int t = 0; t < tokens.length; t++) {
                JsonNode token = tokenNodes.get(t);
                if (!token.isTextual() || token.asText().isEmpty()) {
                    throw new IllegalArgumentException("cluster " + id + " has an empty or non-text token at " + t);
                }
                tokens[t] = token.asText();
            }
            Cluster cluster = new Cluster(id, tokens);
            cluster.size = required(node, "size").asLong();
            cluster.active = requiredBoolean(node, "active");
            parents[id] = template;
            counts[id] = required(node, "templateCount").asLong();
            created.add(cluster);
            absorbedInto.add(node.has("absorbedInto") ? node.get("absorbedInto").asInt() : 0);
        }
        for (int index = 0; index < n; index++) {
            Cluster cluster = created.get(index);
            int target = absorbedInto.get(index);
            if (target != 0) {
                if (target < 1 || target > n || cluster.active) {
                    throw new IllegalArgumentException("cluster " + cluster.id + " says it was absorbed into "
                            + target + " but is active or names an unknown cluster");
                }
                cluster.absorbedInto = created.get(target - 1);
            }
            miner.register(cluster);
        }
        miner.restore(parents, counts);
        for (JsonNode entry : required(root, "evidence")) {
            List<String> signature = new ArrayList<>();
            for (JsonNode token : required(entry, "signature")) {
                signature.add(token.asText());
            }
            Map<String, Long> values = new LinkedHashMap<>();
            for (JsonNode value : required(entry, "values")) {
                values.put(required(value, "value").asText(), required(value, "count").asLong());
            }
            miner.evidence().put(List.copyOf(signature), values);
        }
        return miner;
    }

    private static JsonNode required(JsonNode node, String field) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            throw new IllegalArgumentException("field \"" + field + "\" is missing");
        }
        return value;
    }

    private static boolean requiredBoolean(JsonNode node, String field) {
        JsonNode value = required(node, field);
        if (!value.isBoolean()) {
            throw new IllegalArgumentException("field \"" + field + "\" must be true or false but was " + value);
        }
        return value.asBoolean();
    }
}
