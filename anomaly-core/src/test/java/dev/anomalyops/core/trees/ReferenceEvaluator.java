package dev.anomalyops.core.trees;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Path;

/**
 * A deliberately slow, direct evaluator of XGBoost JSON models for property tests: it walks the JSON tree
 * node by node with XGBoost's documented rules and shares no code with the compiled scorer.
 */
final class ReferenceEvaluator {
    private final JsonNode trees;
    private final float base;
    private final String objective;

    ReferenceEvaluator(Path file) throws IOException {
        JsonNode learner = com.fasterxml.jackson.databind.json.JsonMapper.builder()
                .enable(com.fasterxml.jackson.core.json.JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS).build()
                .readTree(file.toFile()).get("learner");
        trees = learner.get("gradient_booster").get("model").get("trees");
        float score = Float.parseFloat(learner.get("learner_model_param").get("base_score").asText().replaceAll("[\\[\\]]", ""));
        objective = learner.get("objective").get("name").asText();
        base = objective.equals("binary:logistic") ? (float) Math.log(score / (1.0 - score)) : score;
    }

    double predict(float[] row) {
        float sum = base;
        for (JsonNode tree : trees) {
            int node = 0;
            while (tree.get("left_children").get(node).asInt() != -1) {
                float x = row[tree.get("split_indices").get(node).asInt()];
                boolean goLeft;
                if (Float.isNaN(x)) {
                    goLeft = tree.get("default_left").get(node).asInt() == 1;
                } else if (tree.get("split_type").get(node).asInt() == 1) {
                    goLeft = !inSet(tree, node, x);
                } else {
                    goLeft = x < (float) tree.get("split_conditions").get(node).asDouble();
                }
                node = goLeft ? tree.get("left_children").get(node).asInt() : tree.get("right_children").get(node).asInt();
            }
            sum += (float) tree.get("split_conditions").get(node).asDouble();
        }
        return objective.equals("binary:logistic") ? 1.0f / (1.0f + (float) Math.exp(-sum)) : sum;
    }

    private static boolean inSet(JsonNode tree, int node, float x) {
        if (x < 0 || x != Math.floor(x)) {
            return false;
        }
        JsonNode nodes = tree.get("categories_nodes");
        for (int k = 0; k < nodes.size(); k++) {
            if (nodes.get(k).asInt() == node) {
                int begin = tree.get("categories_segments").get(k).asInt();
                int size = tree.get("categories_sizes").get(k).asInt();
                for (int i = begin; i < begin + size; i++) {
                    if (tree.get("categories").get(i).asInt() == (int) x) {
                        return true;
                    }
                }
            }
        }
        return false;
    }
}
