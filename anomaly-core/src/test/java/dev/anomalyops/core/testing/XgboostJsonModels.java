package dev.anomalyops.core.testing;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Writes random XGBoost models in XGBoost's JSON schema (gbtree, binary:logistic or another objective), with
 * numeric and categorical splits and random default directions, for property tests and benchmarks.
 */
public final class XgboostJsonModels {
    private XgboostJsonModels() {}

    /** Options for a random model. */
    public record Spec(int features, int trees, int maxDepth, double categoricalShare, String objective, float baseScore) {}

    /**
     * @param file where to write the model
     * @param spec its shape
     * @param seed random seed
     * @throws IOException when the file cannot be written
     */
    public static void write(Path file, Spec spec, long seed) throws IOException {
        Random random = new Random(seed);
        // XGBoost writes NaN as a bare token, not as a string.
        ObjectMapper json = com.fasterxml.jackson.databind.json.JsonMapper.builder()
                .disable(com.fasterxml.jackson.core.json.JsonWriteFeature.WRITE_NAN_AS_STRINGS).build();
        ObjectNode root = json.createObjectNode();
        ObjectNode learner = root.putObject("learner");
        learner.putArray("feature_names");
        learner.putArray("feature_types");
        ObjectNode booster = learner.putObject("gradient_booster");
        booster.put("name", "gbtree");
        ObjectNode model = booster.putObject("model");
        model.putObject("gbtree_model_param").put("num_trees", Integer.toString(spec.trees()))
                .put("num_parallel_tree", "1");
        ArrayNode trees = model.putArray("trees");
        ArrayNode treeInfo = model.putArray("tree_info");
        for (int t = 0; t < spec.trees(); t++) {
            trees.add(tree(json, spec, random, t));
            treeInfo.add(0);
        }
        ObjectNode params = learner.putObject("learner_model_param");
        params.put("base_score", "[" + spec.baseScore() + "]");
        params.put("num_class", "0");
        params.put("num_feature", Integer.toString(spec.features()));
        params.put("num_target", "1");
        learner.putObject("objective").put("name", spec.objective());
        ArrayNode version = root.putArray("version");
        version.add(3).add(0).add(0);
        json.writeValue(file.toFile(), root);
    }

    private static ObjectNode tree(ObjectMapper json, Spec spec, Random random, int id) {
        List<int[]> nodes = new ArrayList<>(); // {left, right, feature, defaultLeft, categorical}
        List<Float> conditions = new ArrayList<>();
        List<Float> hessians = new ArrayList<>();
        List<Integer> catNodes = new ArrayList<>();
        List<Integer> catSegments = new ArrayList<>();
        List<Integer> catSizes = new ArrayList<>();
        List<Integer> categories = new ArrayList<>();
        grow(nodes, conditions, hessians, catNodes, catSegments, catSizes, categories, spec, random, 0, 100f);
        ObjectNode tree = json.createObjectNode();
        ArrayNode left = tree.putArray("left_children");
        ArrayNode right = tree.putArray("right_children");
        ArrayNode feature = tree.putArray("split_indices");
        ArrayNode condition = tree.putArray("split_conditions");
        ArrayNode defaultLeft = tree.putArray("default_left");
        ArrayNode splitType = tree.putArray("split_type");
        ArrayNode hessian = tree.putArray("sum_hessian");
        for (int i = 0; i < nodes.size(); i++) {
            int[] n = nodes.get(i);
            left.add(n[0]);
            right.add(n[1]);
            feature.add(n[2]);
            defaultLeft.add(n[3]);
            splitType.add(n[4]);
            condition.add(conditions.get(i));
            hessian.add(hessians.get(i));
        }
        ArrayNode cn = tree.putArray("categories_nodes");
        catNodes.forEach(cn::add);
        ArrayNode cs = tree.putArray("categories_segments");
        catSegments.forEach(cs::add);
        ArrayNode cz = tree.putArray("categories_sizes");
        catSizes.forEach(cz::add);
        ArrayNode c = tree.putArray("categories");
        categories.forEach(c::add);
        tree.put("id", id);
        tree.putObject("tree_param").put("num_nodes", Integer.toString(nodes.size())).put("size_leaf_vector", "1")
                .put("num_feature", Integer.toString(spec.features()));
        return tree;
    }

    private static int grow(List<int[]> nodes, List<Float> conditions, List<Float> hessians, List<Integer> catNodes,
            List<Integer> catSegments, List<Integer> catSizes, List<Integer> categories, Spec spec, Random random,
            int depth, float hessian) {
        int index = nodes.size();
        int[] node = {-1, -1, 0, 0, 0};
        nodes.add(node);
        hessians.add(hessian);
        boolean leaf = depth >= spec.maxDepth() || (depth > 0 && random.nextInt(5) == 0);
        if (leaf) {
            conditions.add((float) (random.nextGaussian() * 0.3));
            return index;
        }
        node[2] = random.nextInt(spec.features());
        node[3] = random.nextBoolean() ? 1 : 0;
        if (random.nextDouble() < spec.categoricalShare()) {
            node[4] = 1;
            conditions.add(Float.NaN);
            catNodes.add(index);
            catSegments.add(categories.size());
            int size = 0;
            for (int category = 0; category < 40; category++) {
                if (random.nextInt(3) == 0) {
                    categories.add(category);
                    size++;
                }
            }
            if (size == 0) {
                categories.add(random.nextInt(40));
                size = 1;
            }
            catSizes.add(size);
        } else {
            // Thresholds on a coarse grid so that random rows often hit them exactly.
            conditions.add(random.nextInt(41) / 4f - 5f);
        }
        float share = 0.1f + random.nextFloat() * 0.8f;
        node[0] = grow(nodes, conditions, hessians, catNodes, catSegments, catSizes, categories, spec, random,
                depth + 1, hessian * share);
        node[1] = grow(nodes, conditions, hessians, catNodes, catSegments, catSizes, categories, spec, random,
                depth + 1, hessian * (1 - share));
        return index;
    }
}
