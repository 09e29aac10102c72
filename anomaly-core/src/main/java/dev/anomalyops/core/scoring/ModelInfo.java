package dev.anomalyops.core.scoring;

import dev.anomalyops.core.FeatureSchema;
import dev.anomalyops.core.model.ModelFormat;
import dev.anomalyops.core.model.ModelManifest;
import java.util.Objects;

/**
 * What a scorer serves.
 *
 * @param name model name
 * @param version model version label
 * @param format the model's format
 * @param schema the features each row must carry, in order
 * @param threshold probability at or above which a row is labelled an anomaly
 * @param engine the engine that scores it, e.g. {@code java} or {@code xgboost4j}
 */
public record ModelInfo(String name, String version, ModelFormat format, FeatureSchema schema, double threshold,
        String engine) {

    /** Checks nulls and the threshold range. */
    public ModelInfo {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(version, "version");
        Objects.requireNonNull(format, "format");
        Objects.requireNonNull(schema, "schema");
        Objects.requireNonNull(engine, "engine");
        if (!(threshold >= 0.0 && threshold <= 1.0)) {
            throw new IllegalArgumentException("threshold must be in [0, 1] but was " + threshold);
        }
    }

    /**
     * @param manifest a bundle manifest
     * @param engine the engine's name
     * @return the model info the manifest describes
     */
    public static ModelInfo of(ModelManifest manifest, String engine) {
        return new ModelInfo(manifest.name(), manifest.version(), manifest.format(), manifest.schema(),
                manifest.threshold(), engine);
    }
}
