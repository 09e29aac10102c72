package dev.anomalyops.scoring.catboost;

import ai.catboost.CatBoostError;
import ai.catboost.CatBoostModel;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.anomalyops.core.BackendUnavailableException;
import dev.anomalyops.core.FeatureSchema;
import dev.anomalyops.core.ModelLoadException;
import dev.anomalyops.core.SchemaMismatchException;
import dev.anomalyops.core.model.ModelBundle;
import dev.anomalyops.core.model.ModelFormat;
import dev.anomalyops.core.scoring.ModelInfo;
import dev.anomalyops.core.scoring.Scorer;
import dev.anomalyops.core.scoring.ScorerOptions;
import dev.anomalyops.core.scoring.ScorerProvider;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.slf4j.LoggerFactory;

/**
 * The {@code catboost} engine. For {@code .cbm} models it is the only engine; for CatBoost JSON it has
 * priority 50, below the pure-Java engine. Logloss and CrossEntropy models predict the probability of the
 * positive class (the logistic function of CatBoost's raw value), other losses the raw value.
 */
public final class CatboostScorerProvider implements ScorerProvider {
    /** The engine name. */
    public static final String NAME = "catboost";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public int priority() {
        return 50;
    }

    @Override
    public boolean isAvailable() {
        return NativeCheck.AVAILABLE;
    }

    @Override
    public boolean supports(ModelFormat format) {
        return ModelFormat.CATBOOST_CBM.equals(format) || ModelFormat.CATBOOST_JSON.equals(format);
    }

    @Override
    public Scorer create(ModelBundle bundle, ScorerOptions options) {
        CatBoostModel model = load(bundle.modelFile(), bundle.format());
        int features = model.getUsedNumericFeatureCount();
        int categorical = model.getUsedCategoricFeatureCount() + model.getUsedTextFeatureCount()
                + model.getUsedEmbeddingFeatureCount();
        if (categorical > 0) {
            close(model);
            throw new ModelLoadException("CatBoost model " + bundle.modelFile() + " uses " + categorical
                    + " categorical, text or embedding features; AnomalyOps rows carry float features only");
        }
        int width = Math.max(features, flatFeatureCount(model));
        if (width > bundle.schema().size()) {
            close(model);
            throw new SchemaMismatchException("Model \"" + bundle.manifest().name() + "\" reads " + width
                    + " features but its bundle's schema lists " + bundle.schema().size());
        }
        boolean logistic = isLogistic(model, bundle.modelFile(), bundle.format());
        return new CatboostScorer(ModelInfo.of(bundle.manifest(), NAME), model, logistic,
                bundle.manifest().scaler().orElse(null));
    }

    @Override
    public Optional<FeatureSchema> inferSchema(Path modelFile, ModelFormat format) {
        CatBoostModel model = load(modelFile, format);
        try {
            String[] names = model.getFeatureNames();
            int width = Math.max(model.getUsedNumericFeatureCount(), flatFeatureCount(model));
            if (names != null && names.length == width && width > 0) {
                return Optional.of(FeatureSchema.of(names));
            }
            return Optional.of(FeatureSchema.unnamed(width));
        } finally {
            close(model);
        }
    }

    private static int flatFeatureCount(CatBoostModel model) {
        return model.getFeatures().stream().mapToInt(f -> f.getFlatFeatureIndex() + 1).max().orElse(0);
    }

    private static boolean isLogistic(CatBoostModel model, Path file, ModelFormat format) {
        Map<String, String> metadata = model.getMetadata();
        String params = metadata == null ? null : metadata.get("params");
        try {
            JsonNode loss = null;
            if (params != null) {
                loss = new ObjectMapper().readTree(params).path("loss_function");
            } else if (ModelFormat.CATBOOST_JSON.equals(format)) {
                loss = new ObjectMapper().readTree(file.toFile()).path("model_info").path("params").path("loss_function");
            }
            String type = loss == null ? "" : loss.isTextual() ? loss.asText() : loss.path("type").asText("");
            String lower = type.toLowerCase(Locale.ROOT);
            return lower.startsWith("logloss") || lower.startsWith("crossentropy");
        } catch (IOException e) {
            LoggerFactory.getLogger(CatboostScorerProvider.class)
                    .warn("Cannot read the loss function of CatBoost model {}; predicting raw values", file);
            return false;
        }
    }

    private static CatBoostModel load(Path file, ModelFormat format) {
        if (!NativeCheck.AVAILABLE) {
            throw new BackendUnavailableException("The catboost-prediction native library could not be loaded"
                    + " (it needs glibc 2.16+ on Linux, or macOS or Windows, x86_64 or aarch64)");
        }
        try {
            return CatBoostModel.loadModel(file.toString(), ModelFormat.CATBOOST_JSON.equals(format) ? "json" : "cbm");
        } catch (CatBoostError e) {
            throw new ModelLoadException("CatBoost cannot load model " + file + ": " + e.getMessage(), e);
        }
    }

    private static void close(CatBoostModel model) {
        try {
            model.close();
        } catch (CatBoostError ignored) {
            // Releasing native memory of a model we are rejecting anyway.
        }
    }

    /** Loads the native library once, lazily, on first use of the engine. */
    private static final class NativeCheck {
        static final boolean AVAILABLE = check();

        private static boolean check() {
            try {
                Class.forName("ai.catboost.CatBoostJNIImpl", true, CatboostScorerProvider.class.getClassLoader());
                return true;
            } catch (LinkageError | ClassNotFoundException e) {
                LoggerFactory.getLogger(CatboostScorerProvider.class).warn("catboost-prediction is unavailable: {}",
                        e.toString());
                return false;
            }
        }
    }
}
