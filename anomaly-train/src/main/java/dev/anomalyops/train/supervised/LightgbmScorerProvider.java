package dev.anomalyops.train.supervised;

import com.microsoft.ml.lightgbm.SWIGTYPE_p_void;
import com.microsoft.ml.lightgbm.lightgbmlib;
import dev.anomalyops.core.FeatureSchema;
import dev.anomalyops.core.ModelLoadException;
import dev.anomalyops.core.SchemaMismatchException;
import dev.anomalyops.core.model.ModelBundle;
import dev.anomalyops.core.model.ModelFormat;
import dev.anomalyops.core.model.Scaler;
import dev.anomalyops.core.scoring.FeatureBatch;
import dev.anomalyops.core.scoring.ModelInfo;
import dev.anomalyops.core.scoring.Scorer;
import dev.anomalyops.core.scoring.ScorerOptions;
import dev.anomalyops.core.scoring.ScorerProvider;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Scores {@link LightgbmTrainer#FORMAT} bundles (LightGBM's text model) through the {@code Scorer} SPI, so a
 * LightGBM challenger can be registered, promoted and served like any other model. Native (lightgbmlib); reports
 * itself unavailable when the library cannot load. Registered in {@code META-INF/services}.
 */
public final class LightgbmScorerProvider implements ScorerProvider {
    /** The engine name. */
    public static final String ENGINE = "lightgbm";

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
        return LightgbmNative.isAvailable();
    }

    @Override
    public boolean supports(ModelFormat format) {
        return LightgbmTrainer.FORMAT.equals(format);
    }

    @Override
    public Scorer create(ModelBundle bundle, ScorerOptions options) {
        LightgbmNative.ensureLoaded();
        SWIGTYPE_p_void booster = LightgbmNative.load(read(bundle.modelFile()));
        int features = LightgbmNative.features(booster);
        if (features != bundle.schema().size()) {
            lightgbmlib.LGBM_BoosterFree(booster);
            throw new SchemaMismatchException("Model \"" + bundle.manifest().name() + "\" reads " + features
                    + " features but its bundle's schema lists " + bundle.schema().size());
        }
        return new LightgbmScorer(ModelInfo.of(bundle.manifest(), ENGINE), booster,
                bundle.manifest().scaler().orElse(null));
    }

    @Override
    public Optional<FeatureSchema> inferSchema(Path modelFile, ModelFormat format) {
        for (String line : read(modelFile).split("\n", 64)) {
            if (line.startsWith("feature_names=")) {
                return Optional.of(FeatureSchema.of(line.substring("feature_names=".length()).strip().split(" ")));
            }
        }
        return Optional.empty();
    }

    private static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new ModelLoadException("Cannot read LightGBM model " + file + ": " + e.getMessage(), e);
        }
    }

    /** One native booster; calls are serialised. */
    private static final class LightgbmScorer implements Scorer {
        private final ModelInfo info;
        private final @Nullable Scaler scaler;
        private SWIGTYPE_p_void booster;

        LightgbmScorer(ModelInfo info, SWIGTYPE_p_void booster, @Nullable Scaler scaler) {
            this.info = info;
            this.booster = booster;
            this.scaler = scaler;
        }

        @Override
        public ModelInfo model() {
            return info;
        }

        @Override
        public synchronized void score(FeatureBatch batch, double[] out) {
            if (booster == null) {
                throw new IllegalStateException("Scorer for model \"" + info.name() + "\" is closed");
            }
            Scorer.checkArguments(this, batch, out);
            int rows = batch.rows();
            int columns = batch.columns();
            float[] values = batch.values();
            if (scaler != null) {
                float[] scaled = new float[rows * columns];
                for (int r = 0; r < rows; r++) {
                    scaler.apply(values, r * columns, scaled, r * columns);
                }
                values = scaled;
            }
            if (rows > 0) {
                LightgbmNative.predict(booster, values, rows, columns, out);
            }
        }

        @Override
        public synchronized void close() {
            if (booster != null) {
                lightgbmlib.LGBM_BoosterFree(booster);
                booster = null;
            }
        }
    }
}
