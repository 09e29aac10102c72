package dev.anomalyops.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Validates the custom resources of deploy/ (ServiceMonitor, PodMonitor, Rollout, AnalysisTemplate, Application)
 * against the field lists in {@code custom-resources.yaml}: unknown fields and wrong value types are errors, and
 * the Kubernetes types they embed (metadata, label selectors, pod templates) go through {@link KubernetesSchema}.
 * The CRDs' own OpenAPI schemas are not available offline from our registries, hence the transcribed lists.
 */
final class CustomResourceSchema {
    private static final Pattern DURATION = Pattern.compile("(\\d+(ms|s|m|h|d|w|y))+");
    private static final Set<String> TOP_LEVEL = Set.of("apiVersion", "kind", "metadata", "spec");
    private static final JsonNode SCHEMA = load();

    private CustomResourceSchema() {}

    /** @return whether the file lists this custom resource */
    static boolean knows(JsonNode object) {
        return SCHEMA.path("kinds").has(key(object));
    }

    /**
     * @param object a custom resource
     * @return its problems, empty when valid
     */
    static List<String> validate(JsonNode object) {
        String what = object.path("kind").asText() + " \"" + object.path("metadata").path("name").asText() + "\"";
        List<String> problems = new ArrayList<>();
        JsonNode spec = SCHEMA.path("kinds").path(key(object));
        if (spec.isMissingNode()) {
            problems.add(what + ": unknown custom resource " + key(object));
            return problems;
        }
        for (Iterator<String> it = object.fieldNames(); it.hasNext();) {
            String field = it.next();
            if (!TOP_LEVEL.contains(field)) {
                problems.add(what + ": unknown top-level field \"" + field + "\"");
            }
        }
        problems.addAll(KubernetesSchema.validate(what + " metadata", V1ObjectMeta.class, object.path("metadata")));
        if (!object.path("spec").isObject()) {
            problems.add(what + ": spec is missing or not an object");
            return problems;
        }
        check(what, "spec", spec, object.path("spec"), problems);
        return problems;
    }

    private static void check(String what, String path, JsonNode type, JsonNode value, List<String> problems) {
        if (type.isTextual() && type.asText().startsWith("$")) {
            JsonNode definition = SCHEMA.path("definitions").path(type.asText().substring(1));
            if (definition.isMissingNode()) {
                throw new IllegalStateException("custom-resources.yaml has no definition " + type.asText());
            }
            check(what, path, definition, value, problems);
            return;
        }
        if (type.isObject()) {
            if (!value.isObject()) {
                problems.add(what + ": " + path + " must be an object, not " + value.getNodeType());
                return;
            }
            for (Iterator<Map.Entry<String, JsonNode>> it = value.fields(); it.hasNext();) {
                Map.Entry<String, JsonNode> field = it.next();
                String name = field.getKey();
                if (type.has(name)) {
                    check(what, path + "." + name, type.get(name), field.getValue(), problems);
                } else if (type.has(name + "[]")) {
                    if (!field.getValue().isArray()) {
                        problems.add(what + ": " + path + "." + name + " must be a list");
                        continue;
                    }
                    int i = 0;
                    for (JsonNode item : field.getValue()) {
                        check(what, path + "." + name + "[" + i++ + "]", type.get(name + "[]"), item, problems);
                    }
                } else {
                    problems.add(what + ": unknown field \"" + path + "." + name + "\"");
                }
            }
            return;
        }
        String t = type.asText();
        boolean ok = switch (t) {
            case "string" -> value.isTextual();
            case "integer" -> value.isIntegralNumber();
            case "boolean" -> value.isBoolean();
            case "int-or-string" -> value.isIntegralNumber() || value.isTextual();
            case "duration" -> value.isTextual() && DURATION.matcher(value.asText()).matches();
            case "map" -> value.isObject() && allText(value);
            case "any" -> true;
            default -> {
                if (t.startsWith("enum:")) {
                    yield value.isTextual() && List.of(t.substring(5).split("\\|")).contains(value.asText());
                }
                if (t.startsWith("k8s:")) {
                    problems.addAll(KubernetesSchema.validate(what + " " + path, model(t.substring(4)), value));
                    yield true;
                }
                throw new IllegalStateException("custom-resources.yaml: unknown type \"" + t + "\" at " + path);
            }
        };
        if (!ok) {
            problems.add(what + ": " + path + " must be " + t + ", not " + value);
        }
    }

    private static boolean allText(JsonNode map) {
        for (JsonNode v : map) {
            if (!v.isTextual()) {
                return false;
            }
        }
        return true;
    }

    private static Class<?> model(String simpleName) {
        try {
            return Class.forName("io.kubernetes.client.openapi.models." + simpleName);
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException("custom-resources.yaml names an unknown model " + simpleName, e);
        }
    }

    private static String key(JsonNode object) {
        return object.path("apiVersion").asText() + " " + object.path("kind").asText();
    }

    private static JsonNode load() {
        try (InputStream in = Objects.requireNonNull(CustomResourceSchema.class.getResourceAsStream(
                "/custom-resources.yaml"), "custom-resources.yaml")) {
            return Repo.YAML.readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
