package dev.anomalyops.scoring.xgboost;

import dev.anomalyops.core.InvalidFeatureValueException;
import dev.anomalyops.core.ModelException;
import dev.anomalyops.core.model.Scaler;
import dev.anomalyops.core.scoring.FeatureBatch;
import dev.anomalyops.core.scoring.ModelInfo;
import dev.anomalyops.core.scoring.Scorer;
import ml.dmlc.xgboost4j.java.Booster;
import ml.dmlc.xgboost4j.java.XGBoostError;
import org.jspecify.annotations.Nullable;

/**
 * Scores with XGBoost's native in-place predictor ({@code XGBoosterPredictFromDense}), which XGBoost documents as
 * thread-safe. Each call copies its input into the native library and allocates the result arrays; that
 * cost is what the scoring benchmarks compare against the pure-Java engine.
 */
final class XgboostScorer implements Scorer {
    private final ModelInfo info;
    private final Booster booster;
    private final @Nullable Scaler scaler;
    private volatile boolean closed;

    XgboostScorer(ModelInfo info, Booster booster, @Nullable Scaler scaler) {
        this.info = info;
        this.booster = booster;
        this.scaler = scaler;
    }

    @Override
    public ModelInfo model() {
        return info;
    }

    @Override
    public void score(FeatureBatch batch, double[] out) {
        Scorer.checkArguments(this, batch, out);
        int rows = batch.rows();
        if (rows == 0) {
            return;
        }
        int columns = batch.columns();
        float[] values = batch.values();
        if (scaler != null || values.length != rows * columns) {
            float[] copy = new float[rows * columns];
            for (int r = 0; r < rows; r++) {
                if (scaler != null) {
                    scaler.apply(values, r * columns, copy, r * columns);
                } else {
                    System.arraycopy(values, r * columns, copy, r * columns, columns);
                }
            }
            values = copy;
        }
        float[][] predictions = predict(values, rows, columns);
        for (int r = 0; r < rows; r++) {
            out[r] = predictions[r][predictions[r].length - 1];
        }
    }

    @Override
    public double probability(float[] row) {
        if (row.length != info.schema().size()) {
            throw new InvalidFeatureValueException("", "Row has " + row.length + " values but model \"" + info.name()
                    + "\" expects " + info.schema().size() + " features");
        }
        float[] input = row;
        if (scaler != null) {
            input = new float[row.length];
            scaler.apply(row, 0, input, 0);
        }
        float[][] predictions = predict(input, 1, row.length);
        return predictions[0][predictions[0].length - 1];
    }

    private float[][] predict(float[] values, int rows, int columns) {
        if (closed) {
            throw new IllegalStateException("Scorer for model \"" + info.name() + "\" is closed");
        }
        try {
            return booster.inplace_predict(values, rows, columns, Float.NaN);
        } catch (XGBoostError e) {
            throw new ModelException("XGBoost failed to score model \"" + info.name() + "\": " + e.getMessage(), e);
        }
    }

    @Override
    public synchronized void close() {
        if (!closed) {
            closed = true;
            booster.dispose();
        }
    }
}
