package dev.anomalyops.core.testing;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;

/**
 * Writes valid random CatBoost models in CatBoost's JSON export format (oblivious trees over float
 * features). No CatBoost trainer runs on our machines, so tests and benchmarks build models this way;
 * catboost-prediction loads them, which is what makes them "valid".
 */
public final class CatboostJsonModels {
    private CatboostJsonModels() {}

    /**
     * @param file where to write the model
     * @param features number of float features
     * @param trees number of trees
     * @param depth depth of every tree (1..16)
     * @param bordersPerFeature borders per feature
     * @param sample rows whose values the borders are drawn from (row-major, {@code features} wide), or null
     *     for borders in [-3, 3]
     * @param seed random seed
     * @param logloss true for a Logloss (probability) model, false for RMSE
     * @throws IOException when the file cannot be written
     */
    public static void write(Path file, int features, int trees, int depth, int bordersPerFeature, float[] sample,
            long seed, boolean logloss) throws IOException {
        Random random = new Random(seed);
        ObjectMapper json = new ObjectMapper();
        ObjectNode root = json.createObjectNode();
        ObjectNode params = root.putObject("model_info").putObject("params");
        params.putObject("loss_function").put("type", logloss ? "Logloss" : "RMSE");
        ArrayNode floats = root.putObject("features_info").putArray("float_features");
        float[][] borders = new float[features][];
        int[] firstBorder = new int[features];
        int total = 0;
        String[] treatments = {"AsIs", "AsFalse", "AsTrue"};
        for (int f = 0; f < features; f++) {
            float[] b = new float[bordersPerFeature];
            int rows = sample == null ? 0 : sample.length / features;
            for (int i = 0; i < b.length; i++) {
                float value = rows > 0 ? sample[random.nextInt(rows) * features + f] : (float) (random.nextGaussian() * 3);
                b[i] = Float.isFinite(value) ? value : 0f;
            }
            Arrays.sort(b);
            // CatBoost's borders are strictly increasing.
            int unique = 0;
            for (int i = 0; i < b.length; i++) {
                if (unique == 0 || b[i] > b[unique - 1]) {
                    b[unique++] = b[i];
                }
            }
            borders[f] = Arrays.copyOf(b, unique);
            firstBorder[f] = total;
            total += unique;
            ObjectNode feature = floats.addObject();
            feature.put("feature_index", f);
            feature.put("flat_feature_index", f);
            feature.put("feature_id", "m" + f);
            feature.put("has_nans", true);
            feature.put("nan_value_treatment", treatments[random.nextInt(treatments.length)]);
            ArrayNode list = feature.putArray("borders");
            for (float border : borders[f]) {
                list.add(border);
            }
        }
        ArrayNode treeList = root.putArray("oblivious_trees");
        for (int t = 0; t < trees; t++) {
            ObjectNode tree = treeList.addObject();
            ArrayNode splits = tree.putArray("splits");
            for (int level = 0; level < depth; level++) {
                int f = random.nextInt(features);
                int k = random.nextInt(borders[f].length);
                ObjectNode split = splits.addObject();
                split.put("border", borders[f][k]);
                split.put("float_feature_index", f);
                split.put("split_index", firstBorder[f] + k);
                split.put("split_type", "FloatFeature");
            }
            ArrayNode values = tree.putArray("leaf_values");
            ArrayNode weights = tree.putArray("leaf_weights");
            for (int leaf = 0; leaf < (1 << depth); leaf++) {
                values.add(random.nextGaussian() * 0.1);
                weights.add(random.nextInt(50));
            }
        }
        ArrayNode scaleAndBias = root.putArray("scale_and_bias");
        scaleAndBias.add(1.0);
        scaleAndBias.addArray().add(random.nextGaussian() * 0.5);
        json.writeValue(file.toFile(), root);
    }
}
