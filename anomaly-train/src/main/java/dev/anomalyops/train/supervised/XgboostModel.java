package dev.anomalyops.train.supervised;

import dev.anomalyops.core.FeatureSchema;
import dev.anomalyops.core.ModelException;
import dev.anomalyops.core.model.ModelFormat;
import dev.anomalyops.core.scoring.FeatureBatch;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import ml.dmlc.xgboost4j.java.Booster;
import ml.dmlc.xgboost4j.java.XGBoostError;

/** A trained xgboost4j booster. Scoring is synchronised: one native booster, called from one thread at a time. */
final class XgboostModel implements TrainedModel {
    private final FeatureSchema schema;
    private final Map<String, String> parameters;
    private final TrainingCurve curve;
    private final int rounds;
    private final byte[] bytes;
    private Booster booster;

    XgboostModel(Booster booster, FeatureSchema schema, Map<String, String> parameters, TrainingCurve curve, int rounds)
            throws XGBoostError {
        this.booster = booster;
        this.schema = schema;
        this.parameters = Map.copyOf(parameters);
        this.curve = curve;
        this.rounds = rounds;
        this.bytes = booster.toByteArray("json");
    }

    @Override
    public String name() {
        return XgboostTrainer.NAME;
    }

    @Override
    public String trainer() {
        return XgboostTrainer.NAME;
    }

    @Override
    public FeatureSchema schema() {
        return schema;
    }

    @Override
    public synchronized void score(FeatureBatch batch, double[] out) {
        if (booster == null) {
            throw new IllegalStateException("The XGBoost model is closed");
        }
        schema.requireSameLayout(batch.schema());
        int rows = batch.rows();
        if (out.length < rows) {
            throw new IllegalArgumentException("out has " + out.length + " slots but the batch has " + rows + " rows");
        }
        if (rows == 0) {
            return;
        }
        int columns = batch.columns();
        float[] values = batch.values();
        if (values.length != rows * columns) {
            values = java.util.Arrays.copyOf(values, rows * columns);
        }
        try {
            float[][] predictions = booster.inplace_predict(values, rows, columns, Float.NaN);
            for (int r = 0; r < rows; r++) {
                out[r] = predictions[r][0];
            }
        } catch (XGBoostError e) {
            throw new ModelException("XGBoost prediction failed: " + e.getMessage(), e);
        }
    }

    @Override
    public ModelFormat format() {
        return ModelFormat.XGBOOST_JSON;
    }

    @Override
    public String fileName() {
        return "model.json";
    }

    @Override
    public byte[] modelBytes() {
        return bytes.clone();
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
            throw new IllegalStateException("The XGBoost model is closed");
        }
        try {
            String[] names = schema.names().toArray(String[]::new);
            Map<String, Double> weight = booster.getScore(names, "weight");
            Map<String, Double> gain = booster.getScore(names, "gain");
            Map<String, Double> totalGain = booster.getScore(names, "total_gain");
            Map<String, Double> cover = booster.getScore(names, "cover");
            List<FeatureImportance> result = new ArrayList<>();
            for (String name : names) {
                Double splits = weight.get(name);
                if (splits == null || splits == 0) {
                    continue;
                }
                result.add(new FeatureImportance(name, Math.round(splits), gain.getOrDefault(name, 0.0),
                        totalGain.getOrDefault(name, 0.0), cover.getOrDefault(name, Double.NaN)));
            }
            result.sort(Comparator.comparingDouble(FeatureImportance::totalGain).reversed()
                    .thenComparing(FeatureImportance::feature));
            return result;
        } catch (XGBoostError e) {
            throw new ModelException("Cannot read XGBoost's feature importance: " + e.getMessage(), e);
        }
    }

    @Override
    public synchronized void close() {
        if (booster != null) {
            booster.dispose();
            booster = null;
        }
    }

    @Override
    public String toString() {
        return "XgboostModel[" + rounds + " rounds, " + schema.size() + " features]";
    }
}
