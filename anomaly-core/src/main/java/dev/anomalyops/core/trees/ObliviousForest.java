package dev.anomalyops.core.trees;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * A CatBoost model (its JSON export) of oblivious trees on float features, compiled for traversal.
 *
 * <p>In an oblivious tree every level tests one condition, {@code value > border}, for all nodes at once, so
 * a tree is a list of (feature, border) pairs and a table of {@code 2^depth} leaves: the condition at level
 * {@code j} sets bit {@code j} of the leaf index. All levels of all trees share flat arrays. NaN follows the
 * feature's {@code nan_value_treatment} ({@code AsTrue}: condition true; {@code AsFalse} and {@code AsIs}:
 * false). Leaf values are summed in double and the result is {@code scale * sum + bias}, as CatBoost's
 * evaluator does; Logloss and CrossEntropy models then go through the logistic function.
 */
final class ObliviousForest implements TreeEnsemble {
    private final int featureCount;
    private final List<String> featureNames;
    private final Objective objective;
    private final int[] depths;
    private final int[] leafOffsets;
    private final int[] splitFeatures;
    private final float[] splitBorders;
    private final boolean[] nanTrue;
    private final int[] nanBit;
    private final double[] leafValues;
    private final double[] leafWeights;
    private final double scale;
    private final double bias;

    private ObliviousForest(int featureCount, List<String> featureNames, Objective objective, int[] depths,
            int[] leafOffsets, int[] splitFeatures, float[] splitBorders, boolean[] nanTrue, double[] leafValues,
            double[] leafWeights, double scale, double bias) {
        this.featureCount = featureCount;
        this.featureNames = List.copyOf(featureNames);
        this.objective = objective;
        this.depths = depths;
        this.leafOffsets = leafOffsets;
        this.splitFeatures = splitFeatures;
        this.splitBorders = splitBorders;
        this.nanTrue = nanTrue;
        this.nanBit = new int[nanTrue.length];
        for (int i = 0; i < nanTrue.length; i++) {
            nanBit[i] = nanTrue[i] ? 1 : 0;
        }
        for (float border : splitBorders) {
            if (!Float.isFinite(border)) {
                throw new dev.anomalyops.core.ModelLoadException("CatBoost model has a non-finite border " + border);
            }
        }
        this.leafValues = leafValues;
        this.leafWeights = leafWeights;
        this.scale = scale;
        this.bias = bias;
    }

    @Override
    public int featureCount() {
        return featureCount;
    }

    @Override
    public List<String> featureNames() {
        return featureNames;
    }

    @Override
    public int treeCount() {
        return depths.length;
    }

    @Override
    public Objective objective() {
        return objective;
    }

    @Override
    public double margin(float[] values, int offset) {
        // Branch-free: every level's condition is computed arithmetically, so the CPU overlaps the levels
        // and trees instead of stalling on unpredictable branches (measured several times faster).
        boolean finite = true;
        for (int f = 0; f < featureCount; f++) {
            finite &= values[offset + f] == values[offset + f];
        }
        double sum = 0.0;
        int split = 0;
        int[] features = splitFeatures;
        float[] borders = splitBorders;
        for (int t = 0; t < depths.length; t++) {
            int depth = depths[t];
            int index = 0;
            if (finite) {
                for (int level = 0; level < depth; level++, split++) {
                    float x = values[offset + features[split]];
                    // (border - x) + 0f is negative exactly when x > border (the + 0f turns -0f into +0f).
                    index |= (Float.floatToRawIntBits((borders[split] - x) + 0f) >>> 31) << level;
                }
            } else {
                for (int level = 0; level < depth; level++, split++) {
                    float x = values[offset + features[split]];
                    int greater = Float.floatToRawIntBits((borders[split] - x) + 0f) >>> 31;
                    int nan = (0x7f800000 - (Float.floatToRawIntBits(x) & 0x7fffffff)) >>> 31;
                    index |= ((greater & (nan ^ 1)) | (nan & nanBit[split])) << level;
                }
            }
            sum += leafValues[leafOffsets[t] + index];
        }
        return scale * sum + bias;
    }

    @Override
    public double predict(float[] values, int offset) {
        return transform(margin(values, offset));
    }

    @Override
    public void predict(float[] values, int rows, double[] out) {
        if (rows < 8) {
            for (int r = 0; r < rows; r++) {
                out[r] = transform(margin(values, r * featureCount));
            }
            return;
        }
        // Blocks of rows level by level: each split's feature and border are loaded once for the whole block,
        // and the block's leaf indexes build up in a per-thread scratch array (no allocation after warm-up).
        int[] index = SCRATCH.get();
        int f = featureCount;
        for (int start = 0; start < rows; start += BLOCK) {
            int end = Math.min(rows, start + BLOCK);
            boolean finite = true;
            for (int i = start * f; i < end * f; i++) {
                finite &= values[i] == values[i];
            }
            for (int r = start; r < end; r++) {
                out[r] = 0.0;
            }
            int split = 0;
            for (int t = 0; t < depths.length; t++) {
                int depth = depths[t];
                java.util.Arrays.fill(index, 0, end - start, 0);
                for (int level = 0; level < depth; level++, split++) {
                    int feature = splitFeatures[split];
                    float border = splitBorders[split];
                    if (finite) {
                        for (int r = start; r < end; r++) {
                            float x = values[r * f + feature];
                            index[r - start] |= (Float.floatToRawIntBits((border - x) + 0f) >>> 31) << level;
                        }
                    } else {
                        int nanValue = nanBit[split];
                        for (int r = start; r < end; r++) {
                            float x = values[r * f + feature];
                            int greater = Float.floatToRawIntBits((border - x) + 0f) >>> 31;
                            int nan = (0x7f800000 - (Float.floatToRawIntBits(x) & 0x7fffffff)) >>> 31;
                            index[r - start] |= ((greater & (nan ^ 1)) | (nan & nanValue)) << level;
                        }
                    }
                }
                int leaves = leafOffsets[t];
                for (int r = start; r < end; r++) {
                    out[r] += leafValues[leaves + index[r - start]];
                }
            }
            for (int r = start; r < end; r++) {
                out[r] = transform(scale * out[r] + bias);
            }
        }
    }

    private static final int BLOCK = 128;
    private static final ThreadLocal<int[]> SCRATCH = ThreadLocal.withInitial(() -> new int[BLOCK]);

    private double transform(double margin) {
        return objective == Objective.LOGISTIC ? 1.0 / (1.0 + Math.exp(-margin)) : margin;
    }

    @Override
    public List<BinaryTree> binaryTrees() {
        List<BinaryTree> trees = new ArrayList<>(depths.length);
        int split = 0;
        for (int t = 0; t < depths.length; t++) {
            int depth = depths[t];
            int internal = (1 << depth) - 1;
            int n = internal + (1 << depth);
            int[] feature = new int[n];
            float[] threshold = new float[n];
            int[] left = new int[n];
            int[] right = new int[n];
            boolean[] defaultLeft = new boolean[n];
            double[] value = new double[n];
            // Heap order: level j tests the tree's j-th split; going right sets bit j of the leaf index.
            for (int i = 0; i < n; i++) {
                int level = 31 - Integer.numberOfLeadingZeros(i + 1);
                if (i < internal) {
                    int s = split + level;
                    feature[i] = splitFeatures[s];
                    threshold[i] = splitBorders[s];
                    left[i] = 2 * i + 1;
                    right[i] = 2 * i + 2;
                    defaultLeft[i] = !nanTrue[s];
                } else {
                    left[i] = -1;
                    right[i] = -1;
                    int position = i - internal;
                    int leaf = 0;
                    for (int bit = 0; bit < depth; bit++) {
                        // The heap path's first step is its most significant bit; CatBoost's level 0 is bit 0.
                        if ((position & (1 << (depth - 1 - bit))) != 0) {
                            leaf |= 1 << bit;
                        }
                    }
                    value[i] = scale * leafValues[leafOffsets[t] + leaf];
                }
            }
            split += depth;
            trees.add(new BinaryTree(0, false, feature, threshold, left, right, defaultLeft, value, new int[n][]));
        }
        return trees;
    }

    @Override
    public double[] baseMargins() {
        return new double[] {bias};
    }

    @Override
    public float[] thresholds(int feature) {
        java.util.TreeSet<Float> values = new java.util.TreeSet<>();
        for (int s = 0; s < splitFeatures.length; s++) {
            if (splitFeatures[s] == feature) {
                values.add(splitBorders[s]);
            }
        }
        float[] out = new float[values.size()];
        int i = 0;
        for (float v : values) {
            out[i++] = v;
        }
        return out;
    }

    @Override
    public void contributions(float[] values, int offset, double[] out) {
        if (out.length < featureCount + 1) {
            throw new IllegalArgumentException("contributions need " + (featureCount + 1) + " slots but got " + out.length);
        }
        Arrays.fill(out, 0, featureCount + 1, 0.0);
        int split = 0;
        for (int t = 0; t < depths.length; t++) {
            int depth = depths[t];
            int base = leafOffsets[t];
            int index = 0;
            double parent = mean(base, depth, 0, 0);
            out[featureCount] += scale * parent;
            for (int level = 0; level < depth; level++, split++) {
                float x = values[offset + splitFeatures[split]];
                boolean bit = x > splitBorders[split] || (nanTrue[split] && x != x);
                index |= (bit ? 1 : 0) << level;
                double child = mean(base, depth, level + 1, index);
                out[splitFeatures[split]] += scale * (child - parent);
                parent = child;
            }
        }
        out[featureCount] += bias;
    }

    /** Weighted mean of the leaves whose low {@code levels} bits equal {@code prefix}. */
    private double mean(int base, int depth, int levels, int prefix) {
        int mask = (1 << levels) - 1;
        double sum = 0.0;
        double weight = 0.0;
        for (int leaf = 0; leaf < (1 << depth); leaf++) {
            if ((leaf & mask) == prefix) {
                double w = leafWeights.length > 0 ? leafWeights[base + leaf] : 1.0;
                sum += w * leafValues[base + leaf];
                weight += w;
            }
        }
        if (weight > 0) {
            return sum / weight;
        }
        // No training weight under this prefix: fall back to the plain mean.
        double plain = 0.0;
        int count = 0;
        for (int leaf = 0; leaf < (1 << depth); leaf++) {
            if ((leaf & mask) == prefix) {
                plain += leafValues[base + leaf];
                count++;
            }
        }
        return plain / count;
    }

    /**
     * @param document the parsed JSON export
     * @param file its name, for messages
     * @return the compiled model
     */
    static ObliviousForest compile(Map<String, Object> document, String file) {
        Documents d = new Documents(file);
        Map<String, Object> info = d.object(document, "features_info", "$");
        Object categorical = info.get("categorical_features");
        if (categorical instanceof List<?> list && !list.isEmpty()) {
            throw d.unsupported("it has " + list.size() + " categorical features; the pure-Java scorer reads float"
                    + " features only (score it with the catboost engine, dev.anomalyops:anomaly-scoring-catboost)");
        }
        if (document.get("ctr_data") instanceof Map<?, ?> ctr && !ctr.isEmpty()) {
            throw d.unsupported("it uses CTR features, which the pure-Java scorer does not read");
        }
        List<Object> floats = d.list(info, "float_features", "features_info");
        int featureCount = 0;
        int[] flatIndex = new int[floats.size()];
        boolean[] featureNanTrue = new boolean[floats.size()];
        String[] names = new String[floats.size()];
        for (int i = 0; i < floats.size(); i++) {
            @SuppressWarnings("unchecked")
            Map<String, Object> feature = (Map<String, Object>) floats.get(i);
            String path = "features_info.float_features[" + i + "]";
            int featureIndex = d.integer(feature, "feature_index", path);
            if (featureIndex != i) {
                throw d.unsupported(path + " has feature_index " + featureIndex + "; float features must be listed in order");
            }
            flatIndex[i] = feature.containsKey("flat_feature_index") ? d.integer(feature, "flat_feature_index", path) : i;
            featureCount = Math.max(featureCount, flatIndex[i] + 1);
            String treatment = d.optionalText(feature, "nan_value_treatment", "AsIs");
            if (!treatment.equals("AsIs") && !treatment.equals("AsFalse") && !treatment.equals("AsTrue")) {
                throw d.unsupported(path + " has nan_value_treatment \"" + treatment + "\"; expected AsIs, AsFalse or AsTrue");
            }
            featureNanTrue[i] = treatment.equals("AsTrue");
            names[i] = d.optionalText(feature, "feature_id", "");
        }
        List<String> featureNames = new ArrayList<>();
        boolean named = Arrays.stream(names).noneMatch(String::isEmpty) && featureCount == floats.size();
        if (named) {
            featureNames.addAll(Arrays.asList(names));
        }

        Objective objective = Objective.IDENTITY;
        Map<String, Object> modelInfo = d.optionalObject(document, "model_info");
        Map<String, Object> params = d.optionalObject(modelInfo, "params");
        Object loss = params.get("loss_function");
        if (loss instanceof Map<?, ?> lossMap && lossMap.get("type") instanceof String type) {
            objective = Objective.ofCatboost(type);
        } else if (loss instanceof String type) {
            objective = Objective.ofCatboost(type);
        }

        List<Object> trees = d.list(document, "oblivious_trees", "$");
        int[] depths = new int[trees.size()];
        int[] leafOffsets = new int[trees.size()];
        List<double[]> leafArrays = new ArrayList<>();
        List<double[]> weightArrays = new ArrayList<>();
        int totalSplits = 0;
        int totalLeaves = 0;
        List<int[]> splitsPerTree = new ArrayList<>();
        List<float[]> bordersPerTree = new ArrayList<>();
        for (int t = 0; t < trees.size(); t++) {
            String path = "oblivious_trees[" + t + "]";
            @SuppressWarnings("unchecked")
            Map<String, Object> tree = (Map<String, Object>) trees.get(t);
            List<Object> splits = tree.get("splits") instanceof List ? d.list(tree, "splits", path) : List.of();
            int depth = splits.size();
            if (depth > 16) {
                throw d.unsupported(path + " has depth " + depth + "; CatBoost trees are at most 16 deep");
            }
            double[] leaves = d.numbers(tree, "leaf_values", path);
            if (leaves.length != (1 << depth)) {
                throw d.unsupported(path + " has " + leaves.length + " leaf values but depth " + depth + " needs "
                        + (1 << depth) + " (multi-dimensional models are not supported)");
            }
            double[] weights = d.optionalNumbers(tree, "leaf_weights", path);
            if (weights.length != 0 && weights.length != leaves.length) {
                throw d.unsupported(path + " has " + weights.length + " leaf weights for " + leaves.length + " leaves");
            }
            int[] features = new int[depth];
            float[] borders = new float[depth];
            for (int level = 0; level < depth; level++) {
                @SuppressWarnings("unchecked")
                Map<String, Object> split = (Map<String, Object>) splits.get(level);
                String splitPath = path + ".splits[" + level + "]";
                String type = d.optionalText(split, "split_type", "FloatFeature");
                if (!type.equals("FloatFeature")) {
                    throw d.unsupported(splitPath + " is a " + type + " split; only FloatFeature splits are read");
                }
                int floatIndex = d.integer(split, "float_feature_index", splitPath);
                if (floatIndex < 0 || floatIndex >= floats.size()) {
                    throw d.unsupported(splitPath + " tests float feature " + floatIndex + " of " + floats.size());
                }
                features[level] = floatIndex;
                borders[level] = (float) d.number(split.get("border"), splitPath + ".border");
            }
            depths[t] = depth;
            leafOffsets[t] = totalLeaves;
            totalLeaves += leaves.length;
            totalSplits += depth;
            leafArrays.add(leaves);
            weightArrays.add(weights);
            splitsPerTree.add(features);
            bordersPerTree.add(borders);
        }
        int[] splitFeatures = new int[totalSplits];
        float[] splitBorders = new float[totalSplits];
        boolean[] nanTrue = new boolean[totalSplits];
        double[] leafValues = new double[totalLeaves];
        boolean anyWeights = weightArrays.stream().anyMatch(w -> w.length > 0);
        double[] leafWeights = anyWeights ? new double[totalLeaves] : new double[0];
        int s = 0;
        for (int t = 0; t < depths.length; t++) {
            int[] features = splitsPerTree.get(t);
            float[] borders = bordersPerTree.get(t);
            for (int level = 0; level < features.length; level++, s++) {
                splitFeatures[s] = flatIndex[features[level]];
                splitBorders[s] = borders[level];
                nanTrue[s] = featureNanTrue[features[level]];
            }
            System.arraycopy(leafArrays.get(t), 0, leafValues, leafOffsets[t], leafArrays.get(t).length);
            if (anyWeights) {
                double[] w = weightArrays.get(t);
                if (w.length == 0) {
                    Arrays.fill(leafWeights, leafOffsets[t], leafOffsets[t] + leafArrays.get(t).length, 1.0);
                } else {
                    System.arraycopy(w, 0, leafWeights, leafOffsets[t], w.length);
                }
            }
        }
        double scale = 1.0;
        double bias = 0.0;
        Object scaleAndBias = document.get("scale_and_bias");
        if (scaleAndBias instanceof List<?> pair && pair.size() == 2) {
            scale = d.number(pair.get(0), "scale_and_bias[0]");
            Object biasValue = pair.get(1);
            double[] biases = biasValue instanceof Double b1 ? new double[] {b1} : d.numbers(biasValue, "scale_and_bias[1]");
            if (biases.length > 1) {
                throw d.unsupported("scale_and_bias has " + biases.length + " biases (a multi-dimensional model)");
            }
            bias = biases.length == 1 ? biases[0] : 0.0;
        } else if (scaleAndBias instanceof double[] numbers && numbers.length >= 1) {
            scale = numbers[0];
            bias = numbers.length > 1 ? numbers[1] : 0.0;
        }
        return new ObliviousForest(featureCount, featureNames, objective, depths, leafOffsets, splitFeatures,
                splitBorders, nanTrue, leafValues, leafWeights, scale, bias);
    }
}
