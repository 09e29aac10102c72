package dev.anomalyops.benchmarks.logs;

import java.util.HashMap;
import java.util.Map;
import ml.dmlc.xgboost4j.java.Booster;
import ml.dmlc.xgboost4j.java.DMatrix;
import ml.dmlc.xgboost4j.java.XGBoost;
import ml.dmlc.xgboost4j.java.XGBoostError;

/** Binary XGBoost classifier on dense float rows, single-threaded (see dependencies.md on nthread). */
public final class Xgboost {
    private final Booster booster;

    private Xgboost(Booster booster) {
        this.booster = booster;
    }

    /**
     * @param features rows
     * @param labels 0 or 1 per row
     * @param weights per-row weights, or null for 1
     * @param seed the random seed
     * @return the trained model (binary:logistic, depth 6, eta 0.3, 100 rounds, nthread 1)
     * @throws XGBoostError when XGBoost fails
     */
    public static Xgboost train(float[][] features, int[] labels, float[] weights, int seed) throws XGBoostError {
        DMatrix train = matrix(features);
        float[] y = new float[labels.length];
        for (int i = 0; i < labels.length; i++) {
            y[i] = labels[i];
        }
        train.setLabel(y);
        if (weights != null) {
            train.setWeight(weights);
        }
        Map<String, Object> params = new HashMap<>();
        params.put("objective", "binary:logistic");
        params.put("max_depth", 6);
        params.put("eta", 0.3);
        params.put("nthread", 1);
        params.put("seed", seed);
        params.put("tree_method", "hist");
        params.put("verbosity", 0);
        try {
            return new Xgboost(XGBoost.train(train, params, 100, new HashMap<>(), null, null));
        } finally {
            train.dispose();
        }
    }

    /**
     * @param features rows
     * @return the anomaly probability of each row
     * @throws XGBoostError when XGBoost fails
     */
    public double[] predict(float[][] features) throws XGBoostError {
        DMatrix matrix = matrix(features);
        try {
            float[][] out = booster.predict(matrix);
            double[] probabilities = new double[out.length];
            for (int i = 0; i < out.length; i++) {
                probabilities[i] = out[i][0];
            }
            return probabilities;
        } finally {
            matrix.dispose();
        }
    }

    /** Releases the native model. */
    public void dispose() {
        booster.dispose();
    }

    private static DMatrix matrix(float[][] features) throws XGBoostError {
        int rows = features.length;
        int columns = rows == 0 ? 0 : features[0].length;
        float[] data = new float[rows * columns];
        for (int r = 0; r < rows; r++) {
            System.arraycopy(features[r], 0, data, r * columns, columns);
        }
        return new DMatrix(data, rows, columns, Float.NaN);
    }
}
