package dev.anomalyops.train.detect;

import dev.anomalyops.core.FeatureSchema;
import dev.anomalyops.core.model.ModelBundle;
import dev.anomalyops.core.model.ModelFormat;
import dev.anomalyops.core.scoring.Scorer;
import dev.anomalyops.core.scoring.ScorerOptions;
import dev.anomalyops.core.scoring.ScorerProvider;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Scores {@link ModelFormat#ISOLATION_FOREST} bundles through {@link dev.anomalyops.core.scoring.Scorers}. The
 * "probability" a scorer reports is the Isolation Forest anomaly score {@code 2^(-E[h(x)]/c(ψ))} described on
 * {@link IsolationForestModel}: normalised to (0, 1], not calibrated. {@link ScorerOptions#threads()} threads
 * score large batches. Registered in {@code META-INF/services}.
 */
public final class IsolationForestScorerProvider implements ScorerProvider {
    /** The engine name. */
    public static final String ENGINE = "isolation-forest";

    @Override
    public String name() {
        return ENGINE;
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
        return ModelFormat.ISOLATION_FOREST.equals(format);
    }

    @Override
    public Scorer create(ModelBundle bundle, ScorerOptions options) {
        return DetectorScorers.create(bundle, ENGINE,
                (bytes, schema) -> IsolationForestModel.fromBytes(bytes, schema).withThreads(options.threads()));
    }

    @Override
    public Optional<FeatureSchema> inferSchema(Path modelFile, ModelFormat format) {
        return Optional.of(IsolationForestModel.fromBytes(DetectorScorers.read(modelFile), null).schema());
    }
}
