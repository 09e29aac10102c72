package dev.anomalyops.core.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.anomalyops.core.Feature;
import dev.anomalyops.core.FeatureSchema;
import dev.anomalyops.core.FeatureType;
import dev.anomalyops.core.NonFinitePolicy;
import dev.anomalyops.core.internal.Json;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Reads and writes {@code manifest.json} (bundle format v1). Written by hand rather than by data binding so
 * that every missing or malformed field gets a message naming it, and so that the public records carry no
 * Jackson annotations.
 */
final class ManifestCodec {
    /** The value of the {@code bundle} field that marks our manifests. */
    static final String MARKER = "anomalyops-model-bundle";

    private ManifestCodec() {}

    /**
     * @param manifest the manifest
     * @return its canonical JSON bytes
     */
    static byte[] write(ModelManifest manifest) {
        ObjectNode root = Json.object();
        root.put("bundle", MARKER);
        root.put("formatVersion", ModelManifest.FORMAT_VERSION);
        root.put("name", manifest.name());
        root.put("version", manifest.version());
        root.put("framework", manifest.framework());
        root.put("format", manifest.format().id());
        root.put("modelFile", manifest.modelFile());
        root.set("schema", schemaToJson(manifest.schema()));
        root.put("threshold", manifest.threshold());
        manifest.scaler().ifPresentOrElse(s -> root.set("scaler", scalerToJson(s)), () -> root.putNull("scaler"));
        ObjectNode metrics = root.putObject("metrics");
        manifest.metrics().forEach((k, v) -> putNumber(metrics, k, v));
        ObjectNode params = root.putObject("hyperParameters");
        manifest.hyperParameters().forEach(params::put);
        root.put("trainingDataFingerprint", manifest.trainingDataFingerprint());
        root.put("createdAt", manifest.createdAt().toString());
        manifest.driftReference().ifPresentOrElse(d -> root.put("driftReference", d), () -> root.putNull("driftReference"));
        ObjectNode provenance = root.putObject("provenance");
        manifest.provenance().forEach(provenance::put);
        ObjectNode metadata = root.putObject("metadata");
        manifest.metadata().forEach(metadata::put);
        ObjectNode files = root.putObject("files");
        manifest.files().forEach(files::put);
        return Json.write(root);
    }

    /**
     * @param schema a schema
     * @return its JSON form: {@code {"fingerprint": …, "features": [{"name", "type", "nonFinite"}]}}
     */
    static ObjectNode schemaToJson(FeatureSchema schema) {
        ObjectNode node = Json.object();
        node.put("fingerprint", schema.fingerprint());
        ArrayNode features = node.putArray("features");
        for (Feature feature : schema.features()) {
            ObjectNode f = features.addObject();
            f.put("name", feature.name());
            f.put("type", feature.type().wireName());
            f.put("nonFinite", feature.nonFinite().wireName());
        }
        return node;
    }

    /**
     * Parses a manifest, collecting every problem before failing.
     *
     * @param root the parsed JSON
     * @return the manifest
     * @throws ManifestFormatException listing every missing or malformed field
     */
    static ModelManifest read(JsonNode root) {
        Reader r = new Reader(root);
        if (!root.isObject()) {
            throw new ManifestFormatException(List.of("the manifest is not a JSON object"));
        }
        String marker = r.text("bundle");
        if (marker != null && !marker.equals(MARKER)) {
            r.problems.add("field \"bundle\" is \"" + marker + "\" but an AnomalyOps bundle says \"" + MARKER + "\"");
        }
        JsonNode formatVersion = root.get("formatVersion");
        if (formatVersion == null || !formatVersion.isInt()) {
            r.problems.add("field \"formatVersion\" is missing or not an integer");
        } else if (formatVersion.intValue() > ModelManifest.FORMAT_VERSION) {
            throw new ManifestFormatException(List.of("the bundle has format version " + formatVersion.intValue()
                    + " but this SDK reads up to version " + ModelManifest.FORMAT_VERSION + "; upgrade AnomalyOps"));
        }
        String name = r.text("name");
        String version = r.text("version");
        String format = r.text("format");
        String modelFile = r.text("modelFile");
        FeatureSchema schema = r.schema("schema");
        double threshold = r.number("threshold");
        Optional<Scaler> scaler = r.scaler("scaler");
        Map<String, Double> metrics = r.numberMap("metrics");
        Map<String, String> hyperParameters = r.textMap("hyperParameters");
        String dataFingerprint = r.optionalText("trainingDataFingerprint").orElse("");
        Instant createdAt = r.instant("createdAt");
        Optional<String> driftReference = r.optionalText("driftReference");
        Map<String, String> provenance = r.textMap("provenance");
        Map<String, String> metadata = r.textMap("metadata");
        Map<String, String> files = r.textMap("files");
        if (files.isEmpty()) {
            r.problems.add("field \"files\" lists no files");
        }
        if (!r.problems.isEmpty()) {
            throw new ManifestFormatException(r.problems);
        }
        try {
            return new ModelManifest(name, version, ModelFormat.of(format), modelFile, schema, threshold, scaler,
                    metrics, hyperParameters, dataFingerprint, createdAt, driftReference, provenance, metadata, files);
        } catch (IllegalArgumentException e) {
            throw new ManifestFormatException(List.of(e.getMessage()));
        }
    }

    private static ObjectNode scalerToJson(Scaler scaler) {
        ObjectNode node = Json.object();
        node.put("kind", scaler.kind());
        ArrayNode center = node.putArray("center");
        for (double v : scaler.center()) {
            center.add(v);
        }
        ArrayNode scale = node.putArray("scale");
        for (double v : scaler.scale()) {
            scale.add(v);
        }
        return node;
    }

    private static void putNumber(ObjectNode node, String key, double value) {
        if (Double.isFinite(value)) {
            node.put(key, value);
        } else {
            // JSON has no NaN or infinity; keep them as the strings Java and Python both parse.
            node.put(key, Double.toString(value));
        }
    }

    /** Problems found in a manifest; the message lists all of them. */
    static final class ManifestFormatException extends dev.anomalyops.core.ModelLoadException {
        private static final long serialVersionUID = 1L;

        ManifestFormatException(List<String> problems) {
            super(String.join("; ", problems));
        }
    }

    private static final class Reader {
        private final JsonNode root;
        private final List<String> problems = new ArrayList<>();

        Reader(JsonNode root) {
            this.root = root;
        }

        String text(String field) {
            JsonNode node = root.get(field);
            if (node == null || !node.isTextual()) {
                problems.add("field \"" + field + "\" is missing or not a string");
                return null;
            }
            return node.textValue();
        }

        Optional<String> optionalText(String field) {
            JsonNode node = root.get(field);
            if (node == null || node.isNull()) {
                return Optional.empty();
            }
            if (!node.isTextual()) {
                problems.add("field \"" + field + "\" is not a string");
                return Optional.empty();
            }
            return Optional.of(node.textValue());
        }

        double number(String field) {
            JsonNode node = root.get(field);
            if (node == null || !node.isNumber()) {
                problems.add("field \"" + field + "\" is missing or not a number");
                return 0.0;
            }
            return node.doubleValue();
        }

        Instant instant(String field) {
            String text = text(field);
            if (text == null) {
                return Instant.EPOCH;
            }
            try {
                return Instant.parse(text);
            } catch (DateTimeParseException e) {
                problems.add("field \"" + field + "\" is not an ISO-8601 instant: \"" + text + "\"");
                return Instant.EPOCH;
            }
        }

        Map<String, String> textMap(String field) {
            JsonNode node = root.get(field);
            Map<String, String> map = new TreeMap<>();
            if (node == null || node.isNull()) {
                return map;
            }
            if (!node.isObject()) {
                problems.add("field \"" + field + "\" is not an object");
                return map;
            }
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                if (!e.getValue().isTextual()) {
                    problems.add("\"" + field + "." + e.getKey() + "\" is not a string");
                } else {
                    map.put(e.getKey(), e.getValue().textValue());
                }
            }
            return map;
        }

        Map<String, Double> numberMap(String field) {
            JsonNode node = root.get(field);
            Map<String, Double> map = new LinkedHashMap<>();
            if (node == null || node.isNull()) {
                return map;
            }
            if (!node.isObject()) {
                problems.add("field \"" + field + "\" is not an object");
                return map;
            }
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                JsonNode value = e.getValue();
                if (value.isNumber()) {
                    map.put(e.getKey(), value.doubleValue());
                } else if (value.isTextual() && value.textValue().matches("NaN|-?Infinity")) {
                    map.put(e.getKey(), Double.parseDouble(value.textValue()));
                } else {
                    problems.add("\"" + field + "." + e.getKey() + "\" is not a number");
                }
            }
            return map;
        }

        FeatureSchema schema(String field) {
            JsonNode node = root.get(field);
            if (node == null || !node.isObject() || !node.path("features").isArray()) {
                problems.add("field \"" + field + "\" is missing or has no \"features\" array");
                return FeatureSchema.unnamed(0);
            }
            FeatureSchema.Builder builder = FeatureSchema.builder();
            int index = 0;
            for (JsonNode f : node.get("features")) {
                try {
                    builder.add(new Feature(f.path("name").asText(""),
                            FeatureType.fromWireName(f.path("type").asText("float32")),
                            NonFinitePolicy.fromWireName(f.path("nonFinite").asText("missing_allowed"))));
                } catch (IllegalArgumentException e) {
                    problems.add("schema feature " + index + ": " + e.getMessage());
                }
                index++;
            }
            FeatureSchema schema;
            try {
                schema = builder.build();
            } catch (IllegalArgumentException e) {
                problems.add("schema: " + e.getMessage());
                return FeatureSchema.unnamed(0);
            }
            JsonNode fingerprint = node.get("fingerprint");
            if (fingerprint != null && !fingerprint.asText().equals(schema.fingerprint()) && problems.isEmpty()) {
                problems.add("schema fingerprint is " + fingerprint.asText() + " but the features hash to "
                        + schema.fingerprint() + " (the schema was edited by hand?)");
            }
            return schema;
        }

        Optional<Scaler> scaler(String field) {
            JsonNode node = root.get(field);
            if (node == null || node.isNull()) {
                return Optional.empty();
            }
            JsonNode center = node.path("center");
            JsonNode scale = node.path("scale");
            if (!center.isArray() || !scale.isArray()) {
                problems.add("field \"scaler\" needs \"center\" and \"scale\" arrays");
                return Optional.empty();
            }
            double[] c = new double[center.size()];
            double[] s = new double[scale.size()];
            for (int i = 0; i < c.length; i++) {
                c[i] = center.get(i).asDouble(Double.NaN);
            }
            for (int i = 0; i < s.length; i++) {
                s[i] = scale.get(i).asDouble(Double.NaN);
            }
            try {
                return Optional.of(Scaler.of(node.path("kind").asText("standard"), c, s));
            } catch (IllegalArgumentException e) {
                problems.add("scaler: " + e.getMessage());
                return Optional.empty();
            }
        }
    }
}
