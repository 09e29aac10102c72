package dev.anomalyops.scoring.xgboost;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import ml.dmlc.xgboost4j.java.Booster;
import ml.dmlc.xgboost4j.java.DMatrix;
import ml.dmlc.xgboost4j.java.XGBoost;
import ml.dmlc.xgboost4j.java.XGBoostError;

/** Trains real XGBoost models with xgboost4j for the parity tests. */
final class XgboostModels {
    private XgboostModels() {}

    static Booster train(float[] values, float[] labels, int columns, Map<String, Object> overrides, int rounds)
            throws XGBoostError {
        DMatrix data = new DMatrix(values, labels.length, columns, Float.NaN);
        data.setLabel(labels);
        Map<String, Object> params = new HashMap<>();
        params.put("objective", "binary:logistic");
        params.put("max_depth", 6);
        params.put("eta", 0.3);
        params.put("tree_method", "hist");
        params.put("nthread", 1);
        params.put("seed", 7);
        params.putAll(overrides);
        Booster booster = XGBoost.train(data, params, rounds, Map.of(), null, null);
        data.dispose();
        return booster;
    }

    /** @return per feature, every threshold the model's numeric splits use */
    static float[][] thresholds(Path jsonModel, int features) throws IOException {
        JsonNode root = new ObjectMapper().readTree(jsonModel.toFile());
        JsonNode booster = root.path("learner").path("gradient_booster");
        JsonNode model = booster.path("name").asText().equals("dart") ? booster.path("gbtree").path("model")
                : booster.path("model");
        List<List<Float>> perFeature = new ArrayList<>();
        for (int f = 0; f < features; f++) {
            perFeature.add(new ArrayList<>());
        }
        for (JsonNode tree : model.path("trees")) {
            JsonNode left = tree.path("left_children");
            for (int i = 0; i < left.size(); i++) {
                if (left.get(i).asInt() != -1) {
                    int f = tree.path("split_indices").get(i).asInt();
                    perFeature.get(f).add((float) tree.path("split_conditions").get(i).asDouble());
                }
            }
        }
        float[][] out = new float[features][];
        for (int f = 0; f < features; f++) {
            List<Float> list = perFeature.get(f);
            out[f] = new float[list.size()];
            for (int i = 0; i < list.size(); i++) {
                out[f][i] = list.get(i);
            }
        }
        return out;
    }
}
