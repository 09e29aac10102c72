package dev.anomalyops.scoring.catboost;

import ai.catboost.CatBoostError;
import ai.catboost.CatBoostModel;
import ai.catboost.CatBoostPredictions;
import dev.anomalyops.core.InvalidFeatureValueException;
import dev.anomalyops.core.ModelException;
import dev.anomalyops.core.model.Scaler;
import dev.anomalyops.core.scoring.FeatureBatch;
import dev.anomalyops.core.scoring.ModelInfo;
import dev.anomalyops.core.scoring.Scorer;
import org.jspecify.annotations.Nullable;

/**
 * Scores with CatBoost's native evaluator. The evaluator takes one {@code float[]} per row, so every call
 * copies its batch into per-row arrays; the scoring benchmarks measure that cost.
 */
final class CatboostScorer implements Scorer {
    private static final String[][] NO_CATEGORIES = new String[0][];

    private final ModelInfo info;
    private final CatBoostModel model;
    private final boolean logistic;
    private final @Nullable Scaler scaler;
    private volatile boolean closed;

    CatboostScorer(ModelInfo info, CatBoostModel model, boolean logistic, @Nullable Scaler scaler) {
        this.info = info;
        this.model = model;
        this.logistic = logistic;
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
        float[][] matrix = new float[rows][columns];
        float[] values = batch.values();
        for (int r = 0; r < rows; r++) {
            if (scaler != null) {
                scaler.apply(values, r * columns, matrix[r], 0);
            } else {
                System.arraycopy(values, r * columns, matrix[r], 0, columns);
            }
        }
        CatBoostPredictions predictions = new CatBoostPredictions(rows, 1);
        try {
            checkOpen();
            model.predict(matrix, rows == 0 ? NO_CATEGORIES : new String[rows][0], predictions);
        } catch (CatBoostError e) {
            throw new ModelException("CatBoost failed to score model \"" + info.name() + "\": " + e.getMessage(), e);
        }
        for (int r = 0; r < rows; r++) {
            out[r] = transform(predictions.get(r, 0));
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
        try {
            checkOpen();
            return transform(model.predict(input, new String[0]).get(0, 0));
        } catch (CatBoostError e) {
            throw new ModelException("CatBoost failed to score model \"" + info.name() + "\": " + e.getMessage(), e);
        }
    }

    private double transform(double raw) {
        return logistic ? 1.0 / (1.0 + Math.exp(-raw)) : raw;
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("Scorer for model \"" + info.name() + "\" is closed");
        }
    }

    @Override
    public synchronized void close() {
        if (!closed) {
            closed = true;
            try {
                model.close();
            } catch (CatBoostError ignored) {
                // Nothing more can be done about a native model that fails to free itself.
            }
        }
    }
}
