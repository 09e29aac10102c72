package dev.anomalyops.app.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.anomalyops.core.ConfigurationException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.jspecify.annotations.Nullable;

/**
 * Everything the pipeline commands need, with defaults that run the demo on the bundled public data, so no file
 * is needed. Values come, later winning, from the defaults, a YAML file ({@code --config FILE} or
 * {@code $ANOMALYOPS_CONFIG}), environment variables ({@code ANOMALYOPS_} + the key in upper case with dots and
 * dashes as underscores, e.g. {@code ANOMALYOPS_DETECTOR_TREES}; {@code registry} is {@code ANOMALYOPS_REGISTRY}
 * as for the registry commands) and command-line options. Every problem (unknown key, wrong type, value out of
 * range) is reported together in one {@link ConfigurationException}.
 *
 * @param data where the raw data is and which parts of it to use
 * @param workDir where the steps write (lake, features, labels, bundles, reports)
 * @param registry the model registry: a directory, {@code s3://bucket/prefix} or {@code mlflow+http(s)://host}
 * @param model the registered model name
 * @param validation validation settings
 * @param features feature settings
 * @param detector Isolation Forest settings
 * @param review review queue settings
 * @param drift drift settings
 * @param retrain retraining job settings
 */
public record PipelineConfig(Data data, Path workDir, String registry, String model, Validation validation,
        Features features, Detector detector, Review review, Drift drift, Retrain retrain) {

    /**
     * Where the raw data is.
     *
     * @param source a local folder or {@code s3://bucket/prefix} laid out like {@code /work/shared/data}
     *     ({@code smd/train}, {@code smd/test}, {@code smd/test_label}, {@code loghub/<System>})
     * @param machines SMD machines to ingest
     * @param logs Loghub systems whose sample to ingest
     * @param maxRows at most this many rows per machine and split (0: all), for quick runs
     */
    public record Data(String source, List<String> machines, List<String> logs, int maxRows) {
        /** Copies the lists. */
        public Data {
            machines = List.copyOf(machines);
            logs = List.copyOf(logs);
        }
    }

    /**
     * @param margin value ranges learnt on the training split are widened by {@code margin × max(span, minWidth)}
     *     on each side; generous, because it is there to catch broken data, not anomalies
     * @param minWidth the span assumed for a metric that barely varied in training (1.0 suits SMD's values scaled
     *     to [0, 1]; use the metric's unit scale for raw data)
     */
    public record Validation(double margin, double minWidth) {}

    /**
     * The default feature spec (used when {@code spec} is empty): per metric its raw value, rolling statistics
     * over each window and first differences.
     *
     * @param spec a FeatureSpec YAML file that replaces the default spec, or empty
     * @param windows rolling window lengths in samples
     * @param stats rolling statistics (mean, std, min, max)
     * @param diffs difference steps
     */
    public record Features(String spec, List<Integer> windows, List<String> stats, List<Integer> diffs) {
        /** Copies the lists. */
        public Features {
            windows = List.copyOf(windows);
            stats = List.copyOf(stats);
            diffs = List.copyOf(diffs);
        }
    }

    /**
     * @param trees trees in the forest
     * @param contamination {@code auto} or the share of rows to flag
     * @param seed random seed
     * @param threads threads (0: all processors)
     */
    public record Detector(int trees, String contamination, long seed, int threads) {}

    /**
     * @param budget share of the flagged rows to put in the review queue
     * @param answerFromLabels the demo answers the review from the dataset's labels (there is nobody to ask)
     */
    public record Review(double budget, boolean answerFromLabels) {}

    /**
     * @param shift the demo's shifted stream adds {@code shift} to the first {@code shiftedMetrics} metrics
     * @param shiftedMetrics how many metrics the shifted stream moves
     * @param alertPsi PSI at or above which a feature counts as drifted
     */
    public record Drift(double shift, int shiftedMetrics, double alertPsi) {}

    /**
     * @param days how many days of processed data (back from the newest sample) to retrain on
     * @param alias the alias the retrained model gets
     * @param minPrAuc gate: the new detector's PR-AUC on the human-labelled rows must reach this
     * @param maxPrAucDrop gate: and it may be at most this much below the current model's
     * @param source where the processed data is: empty for the work directory, else a folder or
     *     {@code s3://bucket/prefix} laid out like the work directory ({@code valid/split=SPLIT/MACHINE.parquet})
     * @param canary empty, or the reference server ({@code http://host:8000}) on which to start a canary of the
     *     new version through {@code POST /admin/canary}
     */
    public record Retrain(int days, String alias, double minPrAuc, double maxPrAucDrop, String source, String canary) {}

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    /** Largest configuration file read. */
    private static final long MAX_FILE_BYTES = 256 << 10;

    /** The keys, their defaults and how they are checked: the single source for the YAML and env-var names. */
    private static final Map<String, String> DEFAULTS = new LinkedHashMap<>();

    static {
        DEFAULTS.put("data.source", "");
        DEFAULTS.put("data.machines", "machine-1-2");
        DEFAULTS.put("data.logs", "HDFS");
        DEFAULTS.put("data.max-rows", "0");
        DEFAULTS.put("work-dir", "anomalyops-work");
        DEFAULTS.put("registry", "");
        DEFAULTS.put("model", "smd");
        DEFAULTS.put("validation.margin", "1.0");
        DEFAULTS.put("validation.min-width", "1.0");
        DEFAULTS.put("features.spec", "");
        DEFAULTS.put("features.windows", "10");
        DEFAULTS.put("features.stats", "mean,std");
        DEFAULTS.put("features.diffs", "1");
        DEFAULTS.put("detector.trees", "100");
        DEFAULTS.put("detector.contamination", "auto");
        DEFAULTS.put("detector.seed", "0");
        DEFAULTS.put("detector.threads", "0");
        DEFAULTS.put("review.budget", "0.2");
        DEFAULTS.put("review.answer-from-labels", "true");
        DEFAULTS.put("drift.shift", "0.3");
        DEFAULTS.put("drift.shifted-metrics", "5");
        DEFAULTS.put("drift.alert-psi", "0.25");
        DEFAULTS.put("retrain.days", "14");
        DEFAULTS.put("retrain.alias", "staging");
        DEFAULTS.put("retrain.min-pr-auc", "0.0");
        DEFAULTS.put("retrain.max-pr-auc-drop", "0.05");
        DEFAULTS.put("retrain.source", "");
        DEFAULTS.put("retrain.canary", "");
    }

    /** @return the keys a file or the environment may set, in documentation order */
    public static List<String> keys() {
        return List.copyOf(DEFAULTS.keySet());
    }

    /** @return the built-in default of each key, as text */
    public static Map<String, String> defaultValues() {
        return Map.copyOf(DEFAULTS);
    }

    /**
     * @param key a configuration key such as {@code detector.trees}
     * @return the environment variable that overrides it
     */
    public static String environmentVariable(String key) {
        return "ANOMALYOPS_" + key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
    }

    /**
     * Loads the configuration.
     *
     * @param file a YAML file, or null for none
     * @param environment environment variables (e.g. {@code System::getenv})
     * @param overrides values from the command line by key, applied last
     * @param home the repository root, against which the default data folder {@code ../shared/data} resolves
     * @return the configuration
     * @throws ConfigurationException listing every problem
     */
    public static PipelineConfig load(@Nullable Path file, UnaryOperator<@Nullable String> environment,
            Map<String, String> overrides, Path home) {
        List<String> problems = new ArrayList<>();
        Map<String, String> values = new LinkedHashMap<>(DEFAULTS);
        values.put("data.source", home.resolve("../shared/data").normalize().toString());
        values.put("registry", "registry");
        if (file != null) {
            readYaml(file, values, problems);
        }
        for (String key : DEFAULTS.keySet()) {
            String value = environment.apply(environmentVariable(key));
            if (value != null && !value.isBlank()) {
                values.put(key, value.strip());
            }
        }
        overrides.forEach((key, value) -> {
            if (!DEFAULTS.containsKey(key)) {
                throw new IllegalArgumentException("Unknown configuration key \"" + key + "\"");
            }
            values.put(key, value);
        });
        return build(values, problems);
    }

    /** @return the defaults, with the data folder {@code ../shared/data} relative to the current directory */
    public static PipelineConfig defaults() {
        return load(null, name -> null, Map.of(), Path.of(""));
    }

    private static void readYaml(Path file, Map<String, String> values, List<String> problems) {
        JsonNode root;
        try {
            // A configuration is a few hundred bytes; SnakeYAML can take seconds per megabyte on hostile documents.
            long size = Files.size(file);
            if (size > MAX_FILE_BYTES) {
                throw new ConfigurationException("The configuration file \"" + file + "\" is " + size
                        + " bytes, more than the limit of " + MAX_FILE_BYTES);
            }
            root = YAML.readTree(Files.readString(file));
        } catch (IOException e) {
            throw new ConfigurationException("Cannot read the configuration file \"" + file + "\": "
                    + String.valueOf(e.getMessage()).lines().findFirst().orElse(""), e);
        }
        if (root == null || root.isNull() || root.isMissingNode()) {
            return;
        }
        if (!root.isObject()) {
            throw new ConfigurationException("The configuration file \"" + file + "\" must hold a mapping of keys "
                    + "but holds a " + root.getNodeType().toString().toLowerCase(Locale.ROOT));
        }
        flatten("", root, values, problems, file);
    }

    private static void flatten(String prefix, JsonNode node, Map<String, String> values, List<String> problems,
            Path file) {
        for (Map.Entry<String, JsonNode> field : node.properties()) {
            String key = prefix + field.getKey();
            JsonNode value = field.getValue();
            if (value.isObject()) {
                boolean section = DEFAULTS.keySet().stream().anyMatch(k -> k.startsWith(key + "."));
                if (section) {
                    flatten(key + ".", value, values, problems, file);
                } else {
                    problems.add(unknown(key, file));
                }
            } else if (!DEFAULTS.containsKey(key)) {
                problems.add(unknown(key, file));
            } else if (value.isArray()) {
                List<String> items = new ArrayList<>();
                value.forEach(item -> items.add(item.asText()));
                values.put(key, String.join(",", items));
            } else if (value.isNull()) {
                values.put(key, "");
            } else {
                values.put(key, value.asText());
            }
        }
    }

    private static String unknown(String key, Path file) {
        return "Configuration key \"" + key + "\" in " + file + " is unknown; known keys: " + String.join(", ", DEFAULTS.keySet());
    }

    private static PipelineConfig build(Map<String, String> v, List<String> problems) {
        Reader r = new Reader(v, problems);
        Data data = new Data(r.nonBlank("data.source"), r.names("data.machines", false), r.names("data.logs", true),
                r.integer("data.max-rows", 0, Integer.MAX_VALUE));
        Path work = Path.of(r.nonBlank("work-dir"));
        String registry = r.nonBlank("registry");
        String model = r.nonBlank("model");
        if (!model.matches("[A-Za-z0-9][A-Za-z0-9._-]{0,127}")) {
            problems.add("Configuration key \"model\" was \"" + model + "\" but must be letters, digits, '.', '_' or"
                    + " '-' (at most 128, starting with a letter or digit)");
        }
        Validation validation = new Validation(r.real("validation.margin", 0, 100),
                r.real("validation.min-width", 0, 1e300));
        List<String> stats = r.names("features.stats", false);
        for (String stat : stats) {
            if (!List.of("mean", "std", "min", "max").contains(stat)) {
                problems.add("Configuration key \"features.stats\" has \"" + stat + "\" but the statistics are mean,"
                        + " std, min and max");
            }
        }
        Features features = new Features(v.get("features.spec").strip(), r.integers("features.windows", 1, 10_000),
                stats, r.integers("features.diffs", 1, 10_000));
        String contamination = r.nonBlank("detector.contamination");
        if (!contamination.equals("auto")) {
            try {
                double c = Double.parseDouble(contamination);
                if (!(c > 0 && c <= 0.5)) {
                    problems.add("Configuration key \"detector.contamination\" was " + contamination
                            + " but must be auto or in (0, 0.5]");
                }
            } catch (NumberFormatException e) {
                problems.add("Configuration key \"detector.contamination\" was \"" + contamination
                        + "\" but must be auto or a number in (0, 0.5]");
            }
        }
        Detector detector = new Detector(r.integer("detector.trees", 1, 10_000), contamination,
                r.longValue("detector.seed"), r.integer("detector.threads", 0, 4096));
        Review review = new Review(r.real("review.budget", 0, 1), r.bool("review.answer-from-labels"));
        Drift drift = new Drift(r.real("drift.shift", -1e6, 1e6), r.integer("drift.shifted-metrics", 0, 10_000),
                r.real("drift.alert-psi", 0, 100));
        Retrain retrain = new Retrain(r.integer("retrain.days", 1, 3650), r.nonBlank("retrain.alias"),
                r.real("retrain.min-pr-auc", 0, 1), r.real("retrain.max-pr-auc-drop", 0, 1),
                v.get("retrain.source").strip(), v.get("retrain.canary").strip());
        if (!retrain.canary().isEmpty() && !retrain.canary().matches("https?://[^\\s/]+(/\\S*)?")) {
            problems.add("Configuration key \"retrain.canary\" was \"" + retrain.canary() + "\" but must be the"
                    + " reference server's http(s)://host:port URL");
        }
        if (!problems.isEmpty()) {
            throw new ConfigurationException(problems);
        }
        return new PipelineConfig(data, work, registry, model, validation, features, detector, review, drift, retrain);
    }

    /** Parses values, adding a sentence per problem. */
    private record Reader(Map<String, String> values, List<String> problems) {
        String nonBlank(String key) {
            String value = values.get(key).strip();
            if (value.isEmpty()) {
                problems.add("Configuration key \"" + key + "\" is empty but needs a value");
            }
            return value;
        }

        int integer(String key, int min, int max) {
            return (int) number(key, min, max, true);
        }

        long longValue(String key) {
            return (long) number(key, Long.MIN_VALUE, Long.MAX_VALUE, true);
        }

        double real(String key, double min, double max) {
            return number(key, min, max, false);
        }

        private double number(String key, double min, double max, boolean whole) {
            String text = values.get(key).strip();
            try {
                double value = whole ? Long.parseLong(text) : Double.parseDouble(text);
                if (!(value >= min && value <= max)) {
                    problems.add("Configuration key \"" + key + "\" was " + text + " but must be between "
                            + format(min) + " and " + format(max));
                }
                return value;
            } catch (NumberFormatException e) {
                problems.add("Configuration key \"" + key + "\" was \"" + text + "\" but must be "
                        + (whole ? "a whole number" : "a number"));
                return 0;
            }
        }

        boolean bool(String key) {
            String text = values.get(key).strip().toLowerCase(Locale.ROOT);
            if (!text.equals("true") && !text.equals("false")) {
                problems.add("Configuration key \"" + key + "\" was \"" + text + "\" but must be true or false");
            }
            return text.equals("true");
        }

        List<String> names(String key, boolean mayBeEmpty) {
            List<String> names = new ArrayList<>();
            for (String part : values.get(key).split(",")) {
                if (!part.isBlank()) {
                    names.add(part.strip());
                }
            }
            if (names.isEmpty() && !mayBeEmpty) {
                problems.add("Configuration key \"" + key + "\" is empty but needs at least one value");
            }
            return names;
        }

        List<Integer> integers(String key, int min, int max) {
            List<Integer> list = new ArrayList<>();
            for (String part : names(key, true)) {
                try {
                    int value = Integer.parseInt(part);
                    if (value < min || value > max) {
                        problems.add("Configuration key \"" + key + "\" has " + value + " but each value must be"
                                + " between " + min + " and " + max);
                    }
                    list.add(value);
                } catch (NumberFormatException e) {
                    problems.add("Configuration key \"" + key + "\" has \"" + part + "\" but needs whole numbers");
                }
            }
            return list;
        }

        private static String format(double value) {
            return value == Math.rint(value) && Math.abs(value) < 1e15 ? Long.toString((long) value)
                    : Double.toString(value);
        }
    }
}
