package dev.anomalyops.train.supervised;

import dev.anomalyops.core.FeatureSchema;
import dev.anomalyops.core.StorageException;
import dev.anomalyops.core.model.ModelBundle;
import dev.anomalyops.core.model.ModelFormat;
import dev.anomalyops.core.registry.ModelRegistry;
import dev.anomalyops.core.registry.ModelVersion;
import dev.anomalyops.core.scoring.FeatureBatch;
import dev.anomalyops.core.scoring.Scorer;
import dev.anomalyops.core.scoring.ScorerOptions;
import dev.anomalyops.core.scoring.Scorers;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * A challenger trained elsewhere (CatBoost's Python package or CLI, {@code .cbm} or JSON; an XGBoost or ONNX file)
 * and imported: wrapped in a model bundle with the feature schema it expects and scored through the {@code Scorer}
 * SPI by whichever engine reads its format, so it is evaluated on the same hold-out rows as the models trained
 * here. CatBoost itself cannot be trained on the JVM with the artifacts our registries serve.
 */
public final class ImportedModel implements Candidate, AutoCloseable {
    private final String name;
    private final ModelBundle bundle;
    private final Scorer scorer;

    private ImportedModel(String name, ModelBundle bundle, Scorer scorer) {
        this.name = name;
        this.bundle = bundle;
        this.scorer = scorer;
    }

    /**
     * @param name name for reports, e.g. {@code catboost-imported}
     * @param bundle a bundle holding the model
     * @return the model, scored by the engine {@link Scorers#open(ModelBundle, ScorerOptions)} picks
     */
    public static ImportedModel of(String name, ModelBundle bundle) {
        return new ImportedModel(Objects.requireNonNull(name, "name"), bundle,
                Scorers.open(bundle, ScorerOptions.defaults()));
    }

    /**
     * Wraps a model file in a bundle under {@code directory}.
     *
     * @param name bundle and report name
     * @param modelFile the model, e.g. {@code model.cbm} or {@code model.json}
     * @param format its format, e.g. {@link ModelFormat#CATBOOST_CBM}
     * @param schema the features it reads, in the order it reads them (the names the training pipeline used)
     * @param threshold its decision threshold
     * @param directory where the bundle is written (must not exist)
     * @return the imported model
     * @throws dev.anomalyops.core.ModelLoadException when no engine reads the file
     */
    public static ImportedModel importFile(String name, Path modelFile, ModelFormat format, FeatureSchema schema,
            double threshold, Path directory) {
        try {
            Instant modified = Files.getLastModifiedTime(modelFile).toInstant()
                    .truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
            ModelBundle bundle = ModelBundle.builder(name, "imported")
                    .model(format, modelFile)
                    .schema(schema)
                    .threshold(threshold)
                    .createdAt(modified)
                    .metadata("imported.from", modelFile.getFileName().toString())
                    .writeTo(directory);
            return of(name, bundle);
        } catch (IOException e) {
            throw new StorageException("Cannot import \"" + modelFile + "\": " + e.getMessage(), e);
        }
    }

    /** @return the bundle holding the model */
    public ModelBundle bundle() {
        return bundle;
    }

    /** @return the bundle's decision threshold */
    public double threshold() {
        return scorer.model().threshold();
    }

    /** @return the engine that scores it, e.g. {@code catboost} or {@code java} */
    public String engine() {
        return scorer.model().engine();
    }

    /**
     * Registers the imported bundle as a version of {@code model} (no alias: challengers are promoted by hand or by
     * the champion/challenger report).
     *
     * @param registry the registry
     * @param model the registered model's name
     * @return the version
     */
    public ModelVersion register(ModelRegistry registry, String model) {
        return registry.register(model, bundle, Map.of("role", "challenger", "source", "imported"));
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public FeatureSchema schema() {
        return bundle.schema();
    }

    @Override
    public void score(FeatureBatch batch, double[] out) {
        scorer.score(batch, out);
    }

    @Override
    public void close() {
        scorer.close();
    }
}
