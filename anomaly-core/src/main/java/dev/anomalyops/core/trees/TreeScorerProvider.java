package dev.anomalyops.core.trees;

import dev.anomalyops.core.FeatureSchema;
import dev.anomalyops.core.SchemaMismatchException;
import dev.anomalyops.core.model.ModelBundle;
import dev.anomalyops.core.model.ModelFormat;
import dev.anomalyops.core.scoring.ModelInfo;
import dev.anomalyops.core.scoring.Scorer;
import dev.anomalyops.core.scoring.ScorerOptions;
import dev.anomalyops.core.scoring.ScorerProvider;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The {@code java} engine: scores XGBoost (JSON, UBJ) and CatBoost (JSON) models with {@link TreeEnsemble},
 * in pure Java. It is preferred over native engines for these formats (priority 100) because it needs no
 * native library and scores a single row faster than a native call costs.
 */
public final class TreeScorerProvider implements ScorerProvider {
    /** The engine name. */
    public static final String NAME = "java";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public int priority() {
        return 100;
    }

    @Override
    public boolean isAvailable() {
        return true;
    }

    @Override
    public boolean supports(ModelFormat format) {
        return ModelFormat.XGBOOST_JSON.equals(format) || ModelFormat.XGBOOST_UBJ.equals(format)
                || ModelFormat.CATBOOST_JSON.equals(format);
    }

    @Override
    public Scorer create(ModelBundle bundle, ScorerOptions options) {
        TreeEnsemble model = TreeEnsemble.read(bundle.modelFile(), bundle.format());
        FeatureSchema schema = bundle.schema();
        if (model.featureCount() != schema.size()) {
            throw new SchemaMismatchException("Model \"" + bundle.manifest().name() + "\" reads "
                    + model.featureCount() + " features but its bundle's schema lists " + schema.size());
        }
        if (!model.featureNames().isEmpty() && !model.featureNames().equals(schema.names())) {
            for (int i = 0; i < schema.size(); i++) {
                if (!model.featureNames().get(i).equals(schema.feature(i).name())) {
                    throw new SchemaMismatchException("Model \"" + bundle.manifest().name() + "\" names feature " + i
                            + " \"" + model.featureNames().get(i) + "\" but its bundle's schema says \""
                            + schema.feature(i).name() + "\"");
                }
            }
        }
        return new TreeScorer(ModelInfo.of(bundle.manifest(), NAME), model, bundle.manifest().scaler().orElse(null));
    }

    @Override
    public Optional<FeatureSchema> inferSchema(Path modelFile, ModelFormat format) {
        TreeEnsemble model = TreeEnsemble.read(modelFile, format);
        if (!model.featureNames().isEmpty()) {
            return Optional.of(FeatureSchema.of(model.featureNames().toArray(String[]::new)));
        }
        return Optional.of(FeatureSchema.unnamed(model.featureCount()));
    }
}
