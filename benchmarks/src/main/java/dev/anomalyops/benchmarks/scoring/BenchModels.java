package dev.anomalyops.benchmarks.scoring;

import dev.anomalyops.core.testing.CatboostJsonModels;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import ml.dmlc.xgboost4j.java.Booster;
import ml.dmlc.xgboost4j.java.DMatrix;
import ml.dmlc.xgboost4j.java.XGBoost;
import ml.dmlc.xgboost4j.java.XGBoostError;

/**
 * The models the scoring benchmarks use: XGBoost binary classifiers trained by xgboost4j on synthetic
 * server-metric-like data (37 features, 5% missing, a non-linear anomaly rule with label noise), and CatBoost
 * JSON models of the same shape. Models are cached in {@code target/bench-models} by shape and seed.
 */
public final class BenchModels {
    /** Features of the benchmark models, as in the reference pipeline's feature set. */
    public static final int FEATURES = 37;

    private BenchModels() {}

    /**
     * @param trees boosting rounds
     * @param depth max depth
     * @return an XGBoost JSON model file
     * @throws IOException when it cannot be written
     */
    public static Path xgboost(int trees, int depth) throws IOException {
        Path file = directory().resolve("xgboost-" + trees + "x" + depth + ".json");
        if (Files.exists(file)) {
            return file;
        }
        int rows = 20_000;
        float[] values = rows(rows, 11);
        float[] labels = new float[rows];
        Random random = new Random(12);
        for (int r = 0; r < rows; r++) {
            double signal = 0;
            for (int f = 0; f < 6; f++) {
                float x = values[r * FEATURES + f];
                signal += Float.isNaN(x) ? 0 : (f % 2 == 0 ? x : x * x * 0.3);
            }
            labels[r] = signal + random.nextGaussian() > 2.5 ? 1 : 0;
        }
        try {
            DMatrix data = new DMatrix(values, rows, FEATURES, Float.NaN);
            data.setLabel(labels);
            Map<String, Object> params = new HashMap<>();
            params.put("objective", "binary:logistic");
            params.put("max_depth", depth);
            params.put("eta", 0.1);
            params.put("tree_method", "hist");
            params.put("nthread", 1);
            params.put("seed", 1);
            params.put("min_child_weight", 0);
            Booster booster = XGBoost.train(data, params, trees, Map.of(), null, null);
            Path temp = Files.createTempFile(directory(), "model", ".json");
            booster.saveModel(temp.toString());
            booster.dispose();
            data.dispose();
            Files.move(temp, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } catch (XGBoostError e) {
            throw new IOException("xgboost4j could not train the benchmark model: " + e.getMessage(), e);
        }
        return file;
    }

    /**
     * @param trees trees
     * @param depth depth of each oblivious tree
     * @return a CatBoost JSON model file of that shape with borders drawn from the benchmark rows
     * @throws IOException when it cannot be written
     */
    public static Path catboost(int trees, int depth) throws IOException {
        Path file = directory().resolve("catboost-" + trees + "x" + depth + ".json");
        if (!Files.exists(file)) {
            Path temp = Files.createTempFile(directory(), "model", ".json");
            CatboostJsonModels.write(temp, FEATURES, trees, depth, 64, rows(5_000, 13), 5, true);
            Files.move(temp, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        }
        return file;
    }

    /**
     * @param rows number of rows
     * @param seed random seed
     * @return synthetic rows, row-major, {@link #FEATURES} wide, 5% missing
     */
    public static float[] rows(int rows, long seed) {
        Random random = new Random(seed);
        float[] values = new float[rows * FEATURES];
        for (int i = 0; i < values.length; i++) {
            values[i] = random.nextInt(20) == 0 ? Float.NaN : (float) (random.nextGaussian() * (1 + (i % FEATURES) * 0.1));
        }
        return values;
    }

    private static Path directory() throws IOException {
        return Files.createDirectories(Path.of(System.getProperty("anomalyops.bench.models", "target/bench-models")));
    }
}
