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
 * Scores {@link OneClassSvmModel#FORMAT} bundles through {@link dev.anomalyops.core.scoring.Scorers}, without
 * Tribuo: the "probability" is the logistic score described on {@link OneClassSvmModel}. Registered in
 * {@code META-INF/services}.
 */
public final class OneClassSvmScorerProvider implements ScorerProvider {
    /** The engine name. */
    public static final String ENGINE = "one-class-svm";

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
        return OneClassSvmModel.FORMAT.equals(format);
    }

    @Override
    public Scorer create(ModelBundle bundle, ScorerOptions options) {
        return DetectorScorers.create(bundle, ENGINE, OneClassSvmModel::fromBytes);
    }

    @Override
    public Optional<FeatureSchema> inferSchema(Path modelFile, ModelFormat format) {
        return Optional.of(OneClassSvmModel.fromBytes(DetectorScorers.read(modelFile), null).schema());
    }
}
