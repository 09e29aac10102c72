package dev.anomalyops.core.scoring;

import dev.anomalyops.core.FeatureSchema;
import dev.anomalyops.core.model.ModelBundle;
import dev.anomalyops.core.model.ModelFormat;
import dev.anomalyops.core.scoring.Scorer;
import dev.anomalyops.core.scoring.ScorerOptions;
import java.nio.file.Path;
import java.util.Optional;

/**
 * For engine authors: an engine that turns model bundles into {@link Scorer}s, found with {@link java.util.ServiceLoader}.
 *
 * <p>Constructing a provider must be cheap and must not load native code: do that in {@link #create}. When
 * the engine's runtime is missing, {@link #isAvailable()} answers false instead of throwing.
 */
public interface ScorerProvider {

    /** @return the engine's short name, used in {@link ScorerOptions#engine()} and in predictions */
    String name();

    /** @return higher wins when several available engines support a format */
    int priority();

    /** @return whether the engine's runtime (native library, classes) can be used in this JVM */
    boolean isAvailable();

    /**
     * @param format a model format
     * @return whether this engine scores it
     */
    boolean supports(ModelFormat format);

    /**
     * @param bundle a verified bundle in a supported format
     * @param options engine options
     * @return a ready scorer; the caller closes it
     * @throws dev.anomalyops.core.ModelLoadException when the model file cannot be parsed
     * @throws dev.anomalyops.core.SchemaMismatchException when the model and the bundle's schema disagree
     */
    Scorer create(ModelBundle bundle, ScorerOptions options);

    /**
     * Reads the feature layout stored in a bare model file, for importing models trained elsewhere.
     *
     * @param modelFile a model file in a supported format
     * @param format its format
     * @return the schema (feature names when the file has them, {@code f0…} otherwise), or empty when the
     *     format does not record it
     */
    default Optional<FeatureSchema> inferSchema(Path modelFile, ModelFormat format) {
        return Optional.empty();
    }
}
