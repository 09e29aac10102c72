package dev.anomalyops.scoring.xgboost;

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
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import ml.dmlc.xgboost4j.java.Booster;
import ml.dmlc.xgboost4j.java.XGBoost;
import ml.dmlc.xgboost4j.java.XGBoostError;
import org.slf4j.LoggerFactory;

/**
 * The {@code xgboost4j} engine: scores XGBoost JSON and UBJ models with XGBoost's own native predictor.
 * Priority 50, below the pure-Java {@code java} engine; choose it with
 * {@code ScorerOptions.builder().engine("xgboost4j")}.
 */
public final class XgboostScorerProvider implements ScorerProvider {
    /** The engine name. */
    public static final String NAME = "xgboost4j";

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
        return ModelFormat.XGBOOST_JSON.equals(format) || ModelFormat.XGBOOST_UBJ.equals(format);
    }

    @Override
    public Scorer create(ModelBundle bundle, ScorerOptions options) {
        Booster booster = load(bundle.modelFile(), bundle.format());
        try {
            booster.setParam("nthread", options.threads());
            FeatureSchema schema = bundle.schema();
            int features = (int) booster.getNumFeature();
            if (features != schema.size()) {
                booster.dispose();
                throw new SchemaMismatchException("Model \"" + bundle.manifest().name() + "\" reads " + features
                        + " features but its bundle's schema lists " + schema.size());
            }
        } catch (XGBoostError e) {
            booster.dispose();
            throw new ModelLoadException("XGBoost rejected model " + bundle.modelFile() + ": " + e.getMessage(), e);
        }
        return new XgboostScorer(ModelInfo.of(bundle.manifest(), NAME), booster, bundle.manifest().scaler().orElse(null));
    }

    @Override
    public Optional<FeatureSchema> inferSchema(Path modelFile, ModelFormat format) {
        Booster booster = load(modelFile, format);
        try {
            String[] names = booster.getFeatureNames();
            if (names != null && names.length > 0) {
                return Optional.of(FeatureSchema.of(names));
            }
            return Optional.of(FeatureSchema.unnamed((int) booster.getNumFeature()));
        } catch (XGBoostError e) {
            throw new ModelLoadException("XGBoost rejected model " + modelFile + ": " + e.getMessage(), e);
        } finally {
            booster.dispose();
        }
    }

    private static Booster load(Path file, ModelFormat format) {
        if (!NativeCheck.AVAILABLE) {
            throw new BackendUnavailableException("The xgboost4j native library could not be loaded; install"
                    + " libgomp1 (OpenMP) and use a glibc-based Linux, macOS or Windows on x86_64 or aarch64");
        }
        // XGBoost picks the encoding from the file extension, so give it the one the format implies.
        String extension = ModelFormat.XGBOOST_UBJ.equals(format) ? ".ubj" : ".json";
        Path source = file;
        try {
            if (!file.getFileName().toString().endsWith(extension)) {
                source = Files.createTempFile("anomalyops-xgboost-", extension);
                Files.copy(file, source, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
            return XGBoost.loadModel(source.toString());
        } catch (XGBoostError | IOException e) {
            throw new ModelLoadException("XGBoost cannot load model " + file + ": " + firstLine(e.getMessage()), e);
        } finally {
            if (!source.equals(file)) {
                try {
                    Files.deleteIfExists(source);
                } catch (IOException ignored) {
                    // A temporary copy; the OS cleans its temp directory.
                }
            }
        }
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "";
        }
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }

    /** Loads the native library once, lazily, on first use of the engine. */
    private static final class NativeCheck {
        static final boolean AVAILABLE = check();

        private static boolean check() {
            try {
                Class.forName("ml.dmlc.xgboost4j.java.XGBoostJNI", true, XgboostScorerProvider.class.getClassLoader());
                return true;
            } catch (LinkageError | ClassNotFoundException e) {
                LoggerFactory.getLogger(XgboostScorerProvider.class)
                        .warn("xgboost4j is unavailable: {}", e.toString());
                return false;
            }
        }
    }
}
