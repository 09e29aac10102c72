package dev.anomalyops.drift;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.anomalyops.core.FeatureSchema;
import dev.anomalyops.core.ModelLoadException;
import dev.anomalyops.core.SchemaMismatchException;
import dev.anomalyops.core.model.ModelBundle;
import dev.anomalyops.core.scoring.FeatureBatch;
import dev.anomalyops.drift.internal.JsonSupport;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * What the training data looked like, feature by feature and for the model's predicted probabilities: the
 * baseline every drift statistic compares production data with. Learnt once at training time, stored as JSON in
 * the model bundle's drift reference slot, read back by the serving side. Immutable and thread-safe.
 *
 * <pre>{@code
 * ReferenceProfile profile = ReferenceProfile.learn(trainingBatch, trainingProbabilities, ProfileOptions.defaults());
 * ModelBundle bundle = profile.addTo(ModelBundle.builder("cpu", "7").model(...).schema(schema)).writeTo(dir);
 * ReferenceProfile again = ReferenceProfile.fromBundle(ModelBundle.read(dir)).orElseThrow();
 * }</pre>
 */
public final class ReferenceProfile {
    /** The file name used in the bundle's drift reference slot. */
    public static final String FILE_NAME = "drift-reference.json";
    /** The {@code format} field of the JSON document this version writes and reads. */
    public static final String FORMAT = "anomalyops.drift-reference/v1";
    /** The name under which the predicted probability is profiled and labelled in metrics. */
    public static final String PREDICTION = "__prediction__";

    private final String schemaFingerprint;
    private final ProfileOptions options;
    private final long rows;
    private final List<FeatureProfile> features;
    private final @Nullable FeatureProfile prediction;
    private final Map<String, Integer> indexByName;

    /**
     * @param schemaFingerprint the {@link FeatureSchema#fingerprint()} of the training data
     * @param options how the profile was learnt
     * @param rows training rows
     * @param features one profile per schema feature, in schema order
     * @param prediction the predicted probabilities' profile, or null when none was learnt
     * @throws IllegalArgumentException when names repeat or the prediction profile is misnamed
     */
    public ReferenceProfile(String schemaFingerprint, ProfileOptions options, long rows, List<FeatureProfile> features,
            @Nullable FeatureProfile prediction) {
        this.schemaFingerprint = Objects.requireNonNull(schemaFingerprint, "schemaFingerprint");
        this.options = Objects.requireNonNull(options, "options");
        this.features = List.copyOf(features);
        this.prediction = prediction;
        if (rows < 0) {
            throw new IllegalArgumentException("rows must be >= 0 but was " + rows);
        }
        this.rows = rows;
        Map<String, Integer> index = new HashMap<>();
        for (int i = 0; i < this.features.size(); i++) {
            String name = this.features.get(i).name();
            if (name.equals(PREDICTION) || index.put(name, i) != null) {
                throw new IllegalArgumentException("Feature name \"" + name + "\" appears twice or is reserved for the prediction");
            }
        }
        if (prediction != null && !prediction.name().equals(PREDICTION)) {
            throw new IllegalArgumentException("The prediction profile must be named \"" + PREDICTION + "\" but was \""
                    + prediction.name() + "\"");
        }
        this.indexByName = Map.copyOf(index);
    }

    /**
     * Learns a profile from training rows.
     *
     * @param training the training rows, in the schema the model is served with
     * @param probabilities the model's predicted probability for each training row (out-of-fold or validation
     *     predictions are better than in-sample ones), or null to profile the features only
     * @param options bins and outlier fences
     * @return the profile
     * @throws IllegalArgumentException when there are fewer probabilities than rows
     */
    public static ReferenceProfile learn(FeatureBatch training, double @Nullable [] probabilities, ProfileOptions options) {
        Objects.requireNonNull(training, "training");
        Objects.requireNonNull(options, "options");
        int rows = training.rows();
        int columns = training.columns();
        if (probabilities != null && probabilities.length < rows) {
            throw new IllegalArgumentException("Expected a probability for each of the " + rows
                    + " training rows but received " + probabilities.length);
        }
        float[] values = training.values();
        double[] column = new double[rows];
        List<FeatureProfile> features = new ArrayList<>(columns);
        FeatureSchema schema = training.schema();
        for (int f = 0; f < columns; f++) {
            int n = 0;
            for (int r = 0, i = f; r < rows; r++, i += columns) {
                float x = values[i];
                if (x == x) {
                    column[n++] = x;
                }
            }
            features.add(ColumnProfiler.profile(schema.feature(f).name(), column, n, rows - n, options.bins(),
                    options.outlierMultiplier()));
        }
        FeatureProfile prediction = null;
        if (probabilities != null) {
            int n = 0;
            for (int r = 0; r < rows; r++) {
                double p = probabilities[r];
                if (p == p) {
                    column[n++] = p;
                }
            }
            prediction = ColumnProfiler.profile(PREDICTION, column, n, rows - n, options.bins(), options.outlierMultiplier());
        }
        return new ReferenceProfile(schema.fingerprint(), options, rows, features, prediction);
    }

    /**
     * Reads the profile a bundle carries in its drift reference slot.
     *
     * @param bundle a verified bundle
     * @return the profile, or empty when the bundle has no drift reference
     * @throws ModelLoadException when the reference is unreadable or not a valid profile
     * @throws SchemaMismatchException when it was learnt for another feature schema than the bundle's
     */
    public static Optional<ReferenceProfile> fromBundle(ModelBundle bundle) {
        Optional<Path> path = bundle.driftReference();
        if (path.isEmpty()) {
            return Optional.empty();
        }
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(path.get());
        } catch (IOException e) {
            throw new ModelLoadException("Cannot read the drift reference " + path.get() + ": " + e.getMessage(), e);
        }
        ReferenceProfile profile = fromJson(bytes);
        profile.requireSchema(bundle.schema());
        return Optional.of(profile);
    }

    /**
     * @param builder a bundle builder
     * @return the same builder, with this profile as its drift reference ({@value #FILE_NAME})
     */
    public ModelBundle.Builder addTo(ModelBundle.Builder builder) {
        return builder.driftReference(FILE_NAME, toJson());
    }

    /**
     * @param schema the schema rows will arrive in
     * @throws SchemaMismatchException when this profile was learnt for another schema
     */
    public void requireSchema(FeatureSchema schema) {
        if (!schema.fingerprint().equals(schemaFingerprint) || schema.size() != features.size()) {
            throw new SchemaMismatchException("The drift reference was learnt for schema " + schemaFingerprint + " with "
                    + features.size() + " features but the model's schema is " + schema.fingerprint() + " with "
                    + schema.size() + " features");
        }
    }

    /** @return the profile as pretty-printed UTF-8 JSON (format {@value #FORMAT}) */
    public byte[] toJson() {
        ObjectNode root = JsonSupport.mapper().createObjectNode();
        root.put("format", FORMAT);
        root.put("schemaFingerprint", schemaFingerprint);
        root.put("rows", rows);
        root.put("bins", options.bins());
        root.put("outlierMultiplier", options.outlierMultiplier());
        ArrayNode list = root.putArray("features");
        for (FeatureProfile feature : features) {
            list.add(ProfileJson.write(feature));
        }
        if (prediction != null) {
            root.set("prediction", ProfileJson.write(prediction));
        }
        return JsonSupport.write(root);
    }

    /**
     * @param json a profile written by {@link #toJson()}
     * @return the profile
     * @throws ModelLoadException when it is not valid JSON or not a valid profile of this format
     */
    public static ReferenceProfile fromJson(byte[] json) {
        JsonNode root;
        try {
            root = JsonSupport.parse(json);
        } catch (IOException e) {
            throw new ModelLoadException("The drift reference is not valid JSON: " + firstLine(e.getMessage()), e);
        }
        try {
            if (!root.isObject()) {
                throw new IllegalArgumentException("the document must be a JSON object");
            }
            String format = JsonSupport.text(root, "format", "profile");
            if (!FORMAT.equals(format)) {
                throw new IllegalArgumentException("format must be \"" + FORMAT + "\" but was \"" + format + "\"");
            }
            long bins = JsonSupport.integer(root.get("bins"), "profile.bins");
            ProfileOptions options = new ProfileOptions((int) Math.min(bins, Integer.MAX_VALUE),
                    JsonSupport.number(root.get("outlierMultiplier"), "profile.outlierMultiplier"));
            JsonNode list = JsonSupport.array(root, "features", "profile");
            List<FeatureProfile> features = new ArrayList<>(list.size());
            for (int i = 0; i < list.size(); i++) {
                features.add(ProfileJson.read(list.get(i), "profile.features[" + i + "]"));
            }
            JsonNode predictionNode = root.get("prediction");
            FeatureProfile prediction = predictionNode == null || predictionNode.isNull() ? null
                    : ProfileJson.read(predictionNode, "profile.prediction");
            return new ReferenceProfile(JsonSupport.text(root, "schemaFingerprint", "profile"), options,
                    JsonSupport.integer(root.get("rows"), "profile.rows"), features, prediction);
        } catch (IllegalArgumentException e) {
            throw new ModelLoadException("The drift reference is not a valid profile: " + e.getMessage(), e);
        }
    }

    private static String firstLine(@Nullable String message) {
        if (message == null) {
            return "(no detail)";
        }
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }

    /** @return the fingerprint of the schema the profile was learnt for */
    public String schemaFingerprint() {
        return schemaFingerprint;
    }

    /** @return the options it was learnt with */
    public ProfileOptions options() {
        return options;
    }

    /** @return training rows */
    public long rows() {
        return rows;
    }

    /** @return one profile per feature, in schema order */
    public List<FeatureProfile> features() {
        return features;
    }

    /**
     * @param name a feature name
     * @return its profile
     * @throws IllegalArgumentException when the profile has no such feature
     */
    public FeatureProfile feature(String name) {
        Integer index = indexByName.get(name);
        if (index == null) {
            throw new IllegalArgumentException("The drift reference has no feature \"" + name + "\"");
        }
        return features.get(index);
    }

    /** @return the predicted probabilities' profile, when one was learnt */
    public Optional<FeatureProfile> prediction() {
        return Optional.ofNullable(prediction);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ReferenceProfile p && schemaFingerprint.equals(p.schemaFingerprint)
                && options.equals(p.options) && rows == p.rows && features.equals(p.features)
                && Objects.equals(prediction, p.prediction);
    }

    @Override
    public int hashCode() {
        return Objects.hash(schemaFingerprint, options, rows, features, prediction);
    }

    @Override
    public String toString() {
        return "ReferenceProfile[schema=" + schemaFingerprint + ", features=" + features.size() + ", rows=" + rows
                + ", prediction=" + (prediction != null) + "]";
    }
}
