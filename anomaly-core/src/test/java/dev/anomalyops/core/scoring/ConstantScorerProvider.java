package dev.anomalyops.core.scoring;

import dev.anomalyops.core.FeatureSchema;
import dev.anomalyops.core.ModelLoadException;
import dev.anomalyops.core.model.ModelBundle;
import dev.anomalyops.core.model.ModelFormat;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * A test engine for the format {@code test-constant}: the model file holds {@code <features> <probability>}
 * and every row scores that probability. It exercises discovery and the SPI without a real model.
 */
public final class ConstantScorerProvider implements ScorerProvider {
    /** The format this engine reads. */
    public static final ModelFormat FORMAT = ModelFormat.of("test-constant");

    @Override
    public String name() {
        return "constant";
    }

    @Override
    public int priority() {
        return 0;
    }

    @Override
    public boolean isAvailable() {
        return true;
    }

    @Override
    public boolean supports(ModelFormat format) {
        return FORMAT.equals(format);
    }

    @Override
    public Scorer create(ModelBundle bundle, ScorerOptions options) {
        double probability = parse(bundle.modelFile())[1];
        ModelInfo info = ModelInfo.of(bundle.manifest(), name());
        return new Scorer() {
            @Override
            public ModelInfo model() {
                return info;
            }

            @Override
            public void score(FeatureBatch batch, double[] out) {
                Scorer.checkArguments(this, batch, out);
                java.util.Arrays.fill(out, 0, batch.rows(), probability);
            }
        };
    }

    @Override
    public Optional<FeatureSchema> inferSchema(Path modelFile, ModelFormat format) {
        return Optional.of(FeatureSchema.unnamed((int) parse(modelFile)[0]));
    }

    private static double[] parse(Path file) {
        try {
            String[] parts = Files.readString(file).trim().split("\\s+");
            return new double[] {Double.parseDouble(parts[0]), Double.parseDouble(parts[1])};
        } catch (IOException | RuntimeException e) {
            throw new ModelLoadException("Not a constant model: " + file, e);
        }
    }
}
