package dev.anomalyops.core.model;

import dev.anomalyops.core.FeatureSchema;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * What a bundle's {@code manifest.json} says (format v1). Immutable; maps are sorted copies so that two
 * equal manifests serialise to equal bytes.
 *
 * @param name model name, {@code [A-Za-z0-9][A-Za-z0-9._-]*}, at most 128 characters
 * @param version the producer's version label (registries number versions separately)
 * @param format the model file's format
 * @param modelFile the model file's name inside the bundle
 * @param schema the features the model expects, in order
 * @param threshold probability at or above which a row is labelled an anomaly
 * @param scaler the transform applied before the model, if the model was trained on scaled features
 * @param metrics training and validation metrics by name
 * @param hyperParameters the parameters the model was trained with, as text
 * @param trainingDataFingerprint a digest of the training data, or an empty string when unknown
 * @param createdAt when the bundle was built
 * @param driftReference the file name of the drift reference profile inside the bundle, if any
 * @param provenance where the bundle was built: SDK, Java, OS and engine versions
 * @param metadata free-form producer data (label weights, dataset names, tags)
 * @param files every file of the bundle except the manifest, mapped to its SHA-256 in hex
 */
public record ModelManifest(
        String name,
        String version,
        ModelFormat format,
        String modelFile,
        FeatureSchema schema,
        double threshold,
        Optional<Scaler> scaler,
        Map<String, Double> metrics,
        Map<String, String> hyperParameters,
        String trainingDataFingerprint,
        Instant createdAt,
        Optional<String> driftReference,
        Map<String, String> provenance,
        Map<String, String> metadata,
        Map<String, String> files) {

    /** The bundle format this SDK writes and the newest it reads. */
    public static final int FORMAT_VERSION = 1;

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");
    private static final Pattern FILE_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");

    /** Validates every field and copies the maps into sorted, unmodifiable ones. */
    public ModelManifest {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(version, "version");
        Objects.requireNonNull(format, "format");
        Objects.requireNonNull(modelFile, "modelFile");
        Objects.requireNonNull(schema, "schema");
        Objects.requireNonNull(scaler, "scaler");
        Objects.requireNonNull(trainingDataFingerprint, "trainingDataFingerprint");
        Objects.requireNonNull(createdAt, "createdAt");
        Objects.requireNonNull(driftReference, "driftReference");
        requireName(name);
        if (version.isBlank() || version.length() > 64 || version.chars().anyMatch(Character::isISOControl)) {
            throw new IllegalArgumentException("Model version label must be 1 to 64 printable characters but was \""
                    + version + "\"");
        }
        requireFileName(modelFile);
        if (!(threshold >= 0.0 && threshold <= 1.0)) {
            throw new IllegalArgumentException("threshold must be in [0, 1] but was " + threshold);
        }
        if (scaler.isPresent() && scaler.get().size() != schema.size()) {
            throw new IllegalArgumentException("The scaler transforms " + scaler.get().size()
                    + " features but the schema has " + schema.size());
        }
        metrics = java.util.Collections.unmodifiableSortedMap(new TreeMap<>(metrics));
        hyperParameters = sorted(hyperParameters);
        provenance = sorted(provenance);
        metadata = sorted(metadata);
        files = sorted(files);
        for (String file : files.keySet()) {
            requireFileName(file);
        }
        if (!files.isEmpty() && !files.containsKey(modelFile)) {
            throw new IllegalArgumentException("The model file \"" + modelFile + "\" is not among the bundle's files "
                    + files.keySet());
        }
        driftReference.ifPresent(ModelManifest::requireFileName);
    }

    /**
     * @param name a candidate model name
     * @throws IllegalArgumentException when it is not a valid model name
     */
    public static void requireName(String name) {
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("Model name \"" + name
                    + "\" must start with a letter or digit and contain only letters, digits, '.', '_' and '-'"
                    + " (at most 128 characters)");
        }
    }

    /**
     * @param fileName a candidate file name inside a bundle
     * @throws IllegalArgumentException when it could escape the bundle directory or is otherwise invalid
     */
    public static void requireFileName(String fileName) {
        if (!FILE_NAME.matcher(fileName).matches() || fileName.equals(ModelBundle.MANIFEST_FILE)) {
            throw new IllegalArgumentException("Bundle file name \"" + fileName
                    + "\" must be a plain file name of letters, digits, '.', '_' and '-' (no folders), other than "
                    + ModelBundle.MANIFEST_FILE);
        }
    }

    /** @return the framework, e.g. {@code xgboost} */
    public String framework() {
        return format.framework();
    }

    /**
     * @param files the checksums computed when the bundle was written
     * @return a copy of this manifest with those files
     */
    public ModelManifest withFiles(Map<String, String> files) {
        return new ModelManifest(name, version, format, modelFile, schema, threshold, scaler, metrics,
                hyperParameters, trainingDataFingerprint, createdAt, driftReference, provenance, metadata, files);
    }

    private static Map<String, String> sorted(Map<String, String> map) {
        return java.util.Collections.unmodifiableSortedMap(new TreeMap<>(map));
    }
}
