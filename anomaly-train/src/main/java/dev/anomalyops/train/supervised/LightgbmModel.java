package dev.anomalyops.train.supervised;

import com.microsoft.ml.lightgbm.SWIGTYPE_p_void;
import com.microsoft.ml.lightgbm.lightgbmlib;
import dev.anomalyops.core.FeatureSchema;
import dev.anomalyops.core.model.ModelFormat;
import dev.anomalyops.core.scoring.FeatureBatch;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/** A LightGBM model held as its text and a native booster loaded from it. Scoring is synchronised. */
final class LightgbmModel implements TrainedModel {
    private final String text;
    private final FeatureSchema schema;
    private final Map<String, String> parameters;
    private final TrainingCurve curve;
    private final int rounds;
    private SWIGTYPE_p_void booster;

    LightgbmModel(String text, FeatureSchema schema, Map<String, String> parameters, TrainingCurve curve, int rounds) {
        this.text = text;
        this.schema = schema;
        this.parameters = Map.copyOf(parameters);
        this.curve = curve;
        this.rounds = rounds;
        this.booster = LightgbmNative.load(text);
    }

    @Override
    public String name() {
        return LightgbmTrainer.NAME;
    }

    @Override
    public String trainer() {
        return LightgbmTrainer.NAME;
    }

    @Override
    public FeatureSchema schema() {
        return schema;
    }

    @Override
    public synchronized void score(FeatureBatch batch, double[] out) {
        if (booster == null) {
            throw new IllegalStateException("The LightGBM model is closed");
        }
        schema.requireSameLayout(batch.schema());
        if (out.length < batch.rows()) {
            throw new IllegalArgumentException("out has " + out.length + " slots but the batch has " + batch.rows()
                    + " rows");
        }
        if (batch.rows() > 0) {
            LightgbmNative.predict(booster, batch.values(), batch.rows(), batch.columns(), out);
        }
    }

    @Override
    public ModelFormat format() {
        return LightgbmTrainer.FORMAT;
    }

    @Override
    public String fileName() {
        return "model.txt";
    }

    @Override
    public byte[] modelBytes() {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public Map<String, String> parameters() {
        return parameters;
    }

    @Override
    public TrainingCurve curve() {
        return curve;
    }

    @Override
    public int rounds() {
        return rounds;
    }

    @Override
    public synchronized List<FeatureImportance> importance() {
        if (booster == null) {
            throw new IllegalStateException("The LightGBM model is closed");
        }
        int n = schema.size();
        double[] splits = LightgbmNative.importance(booster, n, 0);
        double[] gains = LightgbmNative.importance(booster, n, 1);
        List<FeatureImportance> result = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            if (splits[i] > 0) {
                long count = Math.round(splits[i]);
                result.add(new FeatureImportance(schema.feature(i).name(), count, gains[i] / count, gains[i], Double.NaN));
            }
        }
        result.sort(Comparator.comparingDouble(FeatureImportance::totalGain).reversed()
                .thenComparing(FeatureImportance::feature));
        return result;
    }

    @Override
    public synchronized void close() {
        if (booster != null) {
            lightgbmlib.LGBM_BoosterFree(booster);
            booster = null;
        }
    }

    @Override
    public String toString() {
        return "LightgbmModel[" + rounds + " rounds, " + schema.size() + " features]";
    }
}
