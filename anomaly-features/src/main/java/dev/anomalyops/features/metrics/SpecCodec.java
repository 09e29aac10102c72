package dev.anomalyops.features.metrics;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import dev.anomalyops.core.ConfigurationException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * Reads and writes {@link FeatureSpec} as YAML or JSON. Reading collects every problem (unknown keys, bad
 * values) and then lets the builder add its own, so one {@link ConfigurationException} lists them all.
 */
final class SpecCodec {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final ObjectMapper YAML = new ObjectMapper(YAMLFactory.builder()
            .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
            .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
            .build());
    private static final Set<String> TOP = Set.of("name", "instance", "timestamp", "metrics", "raw", "windows", "lags",
            "diffs", "pctChanges", "time", "zone", "interval", "gap", "maxGap", "duplicates");
    private static final Set<String> METRIC = Set.of("name", "fill", "required");
    private static final Set<String> WINDOW = Set.of("size", "stats", "nan", "minPeriods", "metrics");

    /**
     * Longest spec accepted, in characters. Real specs are a few kilobytes; SnakeYAML needs seconds per megabyte on
     * some documents (a long quoted scalar), so a huge file is refused before it is parsed.
     */
    static final int MAX_CHARACTERS = 256 << 10;

    private SpecCodec() {}

    /** @param yaml spec text @return the spec */
    public static FeatureSpec fromYaml(String yaml) {
        return parse(YAML, yaml, "YAML");
    }

    /** @param json spec text @return the spec */
    public static FeatureSpec fromJson(String json) {
        return parse(JSON, json, "JSON");
    }

    /** @param file a .yaml, .yml or .json file @return the spec */
    public static FeatureSpec read(Path file) {
        String text;
        try {
            long size = Files.size(file);
            if (size > 4L * MAX_CHARACTERS) {
                throw new ConfigurationException("Feature spec file \"" + file + "\" is " + size + " bytes, more than a"
                        + " spec can be (" + MAX_CHARACTERS + " characters)");
            }
            text = Files.readString(file);
        } catch (IOException e) {
            throw new ConfigurationException("Feature spec file \"" + file + "\" cannot be read: " + e.getMessage(), e);
        }
        return file.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".json") ? fromJson(text) : fromYaml(text);
    }

    /** @param spec a spec @return it as YAML */
    public static String toYaml(FeatureSpec spec) {
        try {
            return YAML.writeValueAsString(tree(spec));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** @param spec a spec @return it as JSON */
    public static String toJson(FeatureSpec spec) {
        try {
            return JSON.writeValueAsString(tree(spec));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static ObjectNode tree(FeatureSpec spec) {
        ObjectNode root = JSON.createObjectNode();
        root.put("name", spec.name());
        root.put("instance", spec.instanceColumn());
        root.put("timestamp", spec.timestampColumn());
        spec.interval().ifPresent(d -> root.put("interval", DurationText.format(d)));
        root.put("gap", spec.gap().wireName());
        spec.maxGap().ifPresent(d -> root.put("maxGap", DurationText.format(d)));
        root.put("duplicates", spec.duplicates().wireName());
        root.put("zone", spec.zone().getId());
        ArrayNode metrics = root.putArray("metrics");
        for (MetricSpec m : spec.metrics()) {
            ObjectNode node = metrics.addObject();
            node.put("name", m.name());
            node.put("fill", m.fill().wireName());
            node.put("required", m.required());
        }
        root.put("raw", spec.raw());
        ArrayNode windows = root.putArray("windows");
        for (Window w : spec.windows()) {
            ObjectNode node = windows.addObject();
            if (w.duration().isPresent()) {
                node.put("size", w.label());
            } else {
                node.put("size", w.samples());
            }
            ArrayNode stats = node.putArray("stats");
            w.stats().forEach(s -> stats.add(s.wireName()));
            node.put("nan", w.nan().wireName());
            node.put("minPeriods", w.minPeriods());
            if (!w.metrics().isEmpty()) {
                ArrayNode ms = node.putArray("metrics");
                w.metrics().forEach(ms::add);
            }
        }
        spec.lags().forEach(root.putArray("lags")::add);
        spec.diffs().forEach(root.putArray("diffs")::add);
        spec.pctChanges().forEach(root.putArray("pctChanges")::add);
        ArrayNode time = root.putArray("time");
        for (TimeFeature t : TimeFeature.values()) {
            if (spec.time().contains(t)) {
                time.add(t.wireName());
            }
        }
        return root;
    }

    private static FeatureSpec parse(ObjectMapper mapper, String text, String format) {
        if (text.length() > MAX_CHARACTERS) {
            throw new ConfigurationException("Feature spec is " + text.length() + " characters of " + format
                    + ", more than the limit of " + MAX_CHARACTERS);
        }
        JsonNode root;
        try {
            root = mapper.readTree(text);
        } catch (JsonProcessingException e) {
            throw new ConfigurationException("Feature spec is not valid " + format + ": " + e.getOriginalMessage(), e);
        }
        if (root == null || !root.isObject()) {
            throw new ConfigurationException("Feature spec must be a " + format + " object with at least \"name\" and \"metrics\"");
        }
        List<String> problems = new ArrayList<>();
        unknownKeys(root, TOP, "the spec", problems);
        String name = root.path("name").asText("");
        if (name.isEmpty()) {
            problems.add("Field \"name\" is missing");
        }
        FeatureSpec.Builder b = FeatureSpec.builder(name.isEmpty() ? "unnamed" : name);
        text(root, "instance", problems).ifPresent(b::instanceColumn);
        text(root, "timestamp", problems).ifPresent(b::timestampColumn);
        text(root, "interval", problems).ifPresent(v -> convert(v, DurationText::parse, problems).ifPresent(b::interval));
        text(root, "maxGap", problems).ifPresent(v -> convert(v, DurationText::parse, problems).ifPresent(b::maxGap));
        text(root, "gap", problems).ifPresent(v -> convert(v, GapPolicyParser::gap, problems).ifPresent(b::gap));
        text(root, "duplicates", problems).ifPresent(v -> convert(v, GapPolicyParser::duplicates, problems).ifPresent(b::duplicates));
        text(root, "zone", problems).ifPresent(v -> convert(v, ZoneId::of, problems).ifPresent(b::zone));
        if (root.has("raw")) {
            if (root.get("raw").isBoolean()) {
                b.raw(root.get("raw").booleanValue());
            } else {
                problems.add("Field \"raw\" must be true or false but was " + root.get("raw"));
            }
        }
        for (JsonNode m : array(root, "metrics", problems)) {
            if (m.isTextual()) {
                b.metric(MetricSpec.of(m.textValue()));
            } else if (m.isObject()) {
                unknownKeys(m, METRIC, "a metric", problems);
                String metricName = m.path("name").asText("");
                if (metricName.isEmpty()) {
                    problems.add("A metric has no \"name\": " + m);
                    continue;
                }
                FillPolicy fill = text(m, "fill", problems).flatMap(v -> convert(v, GapPolicyParser::fill, problems))
                        .orElse(FillPolicy.NONE);
                boolean required = !m.has("required") || m.get("required").asBoolean(true);
                b.metric(new MetricSpec(metricName, fill, required));
            } else {
                problems.add("A metric must be a name or an object but was " + m);
            }
        }
        for (JsonNode w : array(root, "windows", problems)) {
            if (!w.isObject()) {
                problems.add("A window must be an object with \"size\" and \"stats\" but was " + w);
                continue;
            }
            unknownKeys(w, WINDOW, "a window", problems);
            JsonNode size = w.get("size");
            Window window;
            if (size == null) {
                problems.add("A window has no \"size\": " + w);
                continue;
            } else if (size.isInt()) {
                window = Window.ofSamples(size.intValue());
            } else if (size.isTextual() && size.textValue().trim().matches("\\d+")) {
                window = Window.ofSamples(Integer.parseInt(size.textValue().trim()));
            } else {
                Optional<java.time.Duration> d = convert(size.asText(), DurationText::parse, problems);
                if (d.isEmpty()) {
                    continue;
                }
                window = Window.ofDuration(d.get());
            }
            List<Stat> stats = new ArrayList<>();
            for (JsonNode s : array(w, "stats", problems)) {
                convert(s.asText(), GapPolicyParser::stat, problems).ifPresent(stats::add);
            }
            NanPolicy nan = text(w, "nan", problems).flatMap(v -> convert(v, GapPolicyParser::nan, problems))
                    .orElse(NanPolicy.SKIP);
            int minPeriods = w.has("minPeriods") ? w.get("minPeriods").asInt(-1) : 1;
            List<String> metrics = new ArrayList<>();
            for (JsonNode m : array(w, "metrics", problems)) {
                metrics.add(m.asText());
            }
            b.window(new Window(window.samples(), window.duration(), stats, nan, minPeriods, metrics));
        }
        b.lags(ints(root, "lags", problems));
        b.diffs(ints(root, "diffs", problems));
        b.pctChanges(ints(root, "pctChanges", problems));
        for (JsonNode t : array(root, "time", problems)) {
            convert(t.asText(), GapPolicyParser::time, problems).ifPresent(b::time);
        }
        try {
            FeatureSpec spec = b.build();
            if (problems.isEmpty()) {
                return spec;
            }
        } catch (ConfigurationException e) {
            problems.addAll(e.violations());
        }
        throw new ConfigurationException(problems);
    }

    private static void unknownKeys(JsonNode node, Set<String> known, String where, List<String> problems) {
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            String key = it.next().getKey();
            if (!known.contains(key)) {
                problems.add("Field \"" + key + "\" of " + where + " is unknown; expected one of " + new java.util.TreeSet<>(known));
            }
        }
    }

    private static Optional<String> text(JsonNode node, String field, List<String> problems) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            return Optional.empty();
        }
        if (!v.isValueNode()) {
            problems.add("Field \"" + field + "\" must be a single value but was " + v);
            return Optional.empty();
        }
        return Optional.of(v.asText());
    }

    private static Iterable<JsonNode> array(JsonNode node, String field, List<String> problems) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            return List.of();
        }
        if (!v.isArray()) {
            problems.add("Field \"" + field + "\" must be a list but was " + v);
            return List.of();
        }
        return v;
    }

    private static int[] ints(JsonNode node, String field, List<String> problems) {
        List<Integer> values = new ArrayList<>();
        for (JsonNode v : array(node, field, problems)) {
            if (v.canConvertToInt() && v.isIntegralNumber()) {
                values.add(v.intValue());
            } else {
                problems.add("Field \"" + field + "\" must list whole numbers of steps but has " + v);
            }
        }
        return values.stream().mapToInt(Integer::intValue).toArray();
    }

    private static <T> Optional<T> convert(String value, Function<String, T> parser, List<String> problems) {
        try {
            return Optional.of(parser.apply(value));
        } catch (RuntimeException e) {
            problems.add(e.getMessage());
            return Optional.empty();
        }
    }
}
