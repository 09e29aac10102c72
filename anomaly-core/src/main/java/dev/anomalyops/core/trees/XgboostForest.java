package dev.anomalyops.core.trees;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * An XGBoost {@code gbtree} or {@code dart} model compiled for traversal.
 *
 * <p>Layout, chosen by measurement (see the scoring benchmarks): all trees' internal nodes share one
 * {@code int[]} with four ints per node, so a node's feature, threshold and both children sit in one
 * 16-byte slot of the same cache line. A child reference {@code >= 0} is a node slot; {@code < 0} is
 * {@code ~leafIndex} into {@code float[] leaves}. Word 0 holds the feature index in its low 28 bits, the
 * default-left flag in bit 30 and the categorical flag in bit 31; word 1 holds the float threshold's bits (for
 * a categorical node, the offset of its category bitset in {@code categories}).
 *
 * <p>Arithmetic follows XGBoost's CPU predictor: leaf values are float32 and are summed in float, in tree
 * order, onto the base margin, and the objective's transform runs in float. A value goes left when
 * {@code value < threshold}; NaN follows the node's default direction; a categorical split sends the listed
 * categories right and everything else (including invalid categories) left.
 */
final class XgboostForest implements TreeEnsemble {
    private static final int FEATURE_MASK = (1 << 28) - 1;
    private static final int DEFAULT_LEFT = 1 << 30;
    private static final int CATEGORICAL = 1 << 31;

    private final int featureCount;
    private final List<String> featureNames;
    private final Objective objective;
    private final int[] nodes;
    private final float[] leaves;
    private final int[] roots;
    private final int[] groups;
    private final float[] treeWeights;
    private final boolean weighted;
    private final boolean hasCategorical;
    private final int[] categories;
    private final float[] baseMargins;
    // Saabas contributions: expected value (float) of every node slot and leaf, computed from covers.
    private final float[] nodeMeans;
    // The padded ("complete tree") layout used for prediction when every tree is numeric and at most
    // MAX_PADDED_DEPTH deep: each tree is stored in heap order (children of i at 2i+1 and 2i+2), two ints per
    // node (feature word, threshold bits), with shallow leaves pushed down through dummy nodes whose two
    // subtrees hold the same leaf. Traversal is then a fixed number of branch-free steps per tree, which the
    // CPU overlaps across trees and rows instead of stalling on mispredicted branches.
    private final boolean padded;
    private final int[] padNodes;
    private final float[] padLeaves;
    private final int[] padDepth;
    private final int[] padNodeOffset;
    private final int[] padLeafOffset;

    private XgboostForest(Builder b) {
        this.featureCount = b.featureCount;
        this.featureNames = List.copyOf(b.featureNames);
        this.objective = b.objective;
        this.nodes = Arrays.copyOf(b.nodes, b.nodeCount * 4);
        this.leaves = Arrays.copyOf(b.leaves, b.leafCount);
        this.roots = b.roots.stream().mapToInt(Integer::intValue).toArray();
        this.groups = b.groups.stream().mapToInt(Integer::intValue).toArray();
        this.treeWeights = b.treeWeights;
        this.weighted = b.treeWeights != null;
        this.hasCategorical = b.hasCategorical;
        this.categories = b.categories.stream().mapToInt(Integer::intValue).toArray();
        this.baseMargins = b.baseMargins;
        this.nodeMeans = Arrays.copyOf(b.nodeMeans, b.nodeCount);
        this.padded = b.paddable && b.layout != Layout.POINTERS;
        this.padNodes = padded ? Arrays.copyOf(b.padNodes, b.padNodeCount) : new int[0];
        this.padLeaves = padded ? Arrays.copyOf(b.padLeaves, b.padLeafCount) : new float[0];
        this.padDepth = padded ? b.padDepth.stream().mapToInt(Integer::intValue).toArray() : new int[0];
        this.padNodeOffset = padded ? b.padNodeOffset.stream().mapToInt(Integer::intValue).toArray() : new int[0];
        this.padLeafOffset = padded ? b.padLeafOffset.stream().mapToInt(Integer::intValue).toArray() : new int[0];
    }

    /** How trees are laid out for prediction; {@link #AUTO} in production, the others for benchmarks. */
    enum Layout {
        /** Padded complete trees when possible, pointer-linked nodes otherwise. */
        AUTO,
        /** Always pointer-linked nodes. */
        POINTERS
    }

    /** Deepest tree the padded layout accepts: 2^10 leaves per tree. */
    static final int MAX_PADDED_DEPTH = 10;

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
        return roots.length;
    }

    @Override
    public Objective objective() {
        return objective;
    }

    @Override
    public double predict(float[] values, int offset) {
        if (padded) {
            if (objective.groups() == 2) {
                return objective.transform(paddedMargin(values, offset, 0), paddedMargin(values, offset, 1));
            }
            return objective.transform(paddedMargin(values, offset, -1));
        }
        if (objective.groups() == 2) {
            return objective.transform(groupMargin(values, offset, 0), groupMargin(values, offset, 1));
        }
        return objective.transform(groupMargin(values, offset, 0));
    }

    @Override
    public double margin(float[] values, int offset) {
        if (padded) {
            if (objective.groups() == 2) {
                return (double) paddedMargin(values, offset, 1) - paddedMargin(values, offset, 0);
            }
            return paddedMargin(values, offset, -1);
        }
        if (objective.groups() == 2) {
            return (double) groupMargin(values, offset, 1) - groupMargin(values, offset, 0);
        }
        return groupMargin(values, offset, 0);
    }

    @Override
    public void predict(float[] values, int rows, double[] out) {
        if (padded && objective.groups() == 1) {
            if (rows < 4) {
                // Too few rows to interleave: interleave trees instead, as a single-row call does.
                for (int r = 0; r < rows; r++) {
                    out[r] = objective.transform(paddedMargin(values, r * featureCount, -1));
                }
            } else {
                paddedBatch(values, rows, out);
            }
            return;
        }
        if (objective.groups() != 1 || weighted || hasCategorical) {
            for (int r = 0; r < rows; r++) {
                out[r] = predict(values, r * featureCount);
            }
            return;
        }
        // Blocks of rows go through each tree in turn: the tree stays in L1 while the block's rows walk it,
        // which matters once the ensemble outgrows the caches. Float sums live in out[] (exactly, as doubles).
        float base = baseMargins[0];
        for (int start = 0; start < rows; start += BLOCK) {
            int end = Math.min(rows, start + BLOCK);
            for (int r = start; r < end; r++) {
                out[r] = base;
            }
            for (int t = 0; t < roots.length; t++) {
                int root = roots[t];
                for (int r = start; r < end; r++) {
                    out[r] = (float) out[r] + leaves[~walkNumeric(root, values, r * featureCount)];
                }
            }
            for (int r = start; r < end; r++) {
                out[r] = objective.transform((float) out[r]);
            }
        }
    }

    private static final int BLOCK = 64;

    /** Sum of the padded trees of one output group ({@code -1}: all trees) onto the base margin. */
    private float paddedMargin(float[] values, int offset, int group) {
        float sum = baseMargins[Math.max(group, 0)];
        int[] n = padNodes;
        int t = 0;
        if (group < 0) {
            boolean finite = !hasNaN(values, offset, offset + featureCount);
            // Four trees at a time: independent chains the CPU overlaps. Leaves are still added in tree order.
            for (; t + 3 < padDepth.length; t += 4) {
                int d0 = padDepth[t];
                int d1 = padDepth[t + 1];
                int d2 = padDepth[t + 2];
                int d3 = padDepth[t + 3];
                if (d0 != d1 || d0 != d2 || d0 != d3) {
                    break;
                }
                int b0 = padNodeOffset[t];
                int b1 = padNodeOffset[t + 1];
                int b2 = padNodeOffset[t + 2];
                int b3 = padNodeOffset[t + 3];
                int i0 = 0;
                int i1 = 0;
                int i2 = 0;
                int i3 = 0;
                if (finite) {
                    for (int level = 0; level < d0; level++) {
                        i0 = stepFinite(n, b0, i0, values, offset);
                        i1 = stepFinite(n, b1, i1, values, offset);
                        i2 = stepFinite(n, b2, i2, values, offset);
                        i3 = stepFinite(n, b3, i3, values, offset);
                    }
                } else {
                    for (int level = 0; level < d0; level++) {
                        i0 = step(n, b0, i0, values, offset);
                        i1 = step(n, b1, i1, values, offset);
                        i2 = step(n, b2, i2, values, offset);
                        i3 = step(n, b3, i3, values, offset);
                    }
                }
                int bottom = (1 << d0) - 1;
                sum += padLeaves[padLeafOffset[t] + i0 - bottom];
                sum += padLeaves[padLeafOffset[t + 1] + i1 - bottom];
                sum += padLeaves[padLeafOffset[t + 2] + i2 - bottom];
                sum += padLeaves[padLeafOffset[t + 3] + i3 - bottom];
            }
        }
        for (; t < padDepth.length; t++) {
            if (group >= 0 && groups[t] != group) {
                continue;
            }
            int base = padNodeOffset[t];
            int depth = padDepth[t];
            int i = 0;
            for (int level = 0; level < depth; level++) {
                i = step(n, base, i, values, offset);
            }
            sum += padLeaves[padLeafOffset[t] + i - ((1 << depth) - 1)];
        }
        return sum;
    }

    /**
     * One branch-free step down a padded tree: the next heap index. The comparison is done in arithmetic
     * (measured faster than a conditional, which the JIT may compile to an unpredictable branch):
     * {@code (x - threshold) + 0f} is negative exactly when {@code x < threshold} for finite thresholds (the
     * {@code + 0f} turns {@code -0f} into {@code +0f}); NaN is detected from its bits and sent to the node's
     * default side.
     */
    private static int step(int[] n, int base, int i, float[] values, int offset) {
        int slot = base + (i << 1);
        int word = n[slot];
        float x = values[offset + (word & FEATURE_MASK)];
        int nan = (0x7f800000 - (Float.floatToRawIntBits(x) & 0x7fffffff)) >>> 31;
        int less = Float.floatToRawIntBits((x - Float.intBitsToFloat(n[slot + 1])) + 0f) >>> 31;
        int right = ((less ^ 1) & (nan ^ 1)) | (nan & ((word >>> 30) ^ 1));
        return (i << 1) + 1 + right;
    }

    /** {@link #step} for rows known to hold no NaN: the comparison alone decides. */
    private static int stepFinite(int[] n, int base, int i, float[] values, int offset) {
        int slot = base + (i << 1);
        float x = values[offset + (n[slot] & FEATURE_MASK)];
        int right = (Float.floatToRawIntBits((x - Float.intBitsToFloat(n[slot + 1])) + 0f) >>> 31) ^ 1;
        return (i << 1) + 1 + right;
    }

    private static boolean hasNaN(float[] values, int from, int to) {
        boolean nan = false;
        for (int i = from; i < to; i++) {
            nan |= values[i] != values[i];
        }
        return nan;
    }

    private void paddedBatch(float[] values, int rows, double[] out) {
        // Trees outermost within a block of rows, so a tree stays in L1 while the block walks it; rows go
        // four at a time, independent dependency chains the CPU overlaps.
        float base = baseMargins[0];
        int[] n = padNodes;
        int f = featureCount;
        for (int start = 0; start < rows; start += BLOCK) {
            int end = Math.min(rows, start + BLOCK);
            for (int r = start; r < end; r++) {
                out[r] = base;
            }
            // Production metrics rarely miss values; a block without NaN takes the shorter step.
            boolean finite = !hasNaN(values, start * f, end * f);
            for (int t = 0; t < padDepth.length; t++) {
                int nodeBase = padNodeOffset[t];
                int depth = padDepth[t];
                int leafBase = padLeafOffset[t] - ((1 << depth) - 1);
                int r = start;
                for (; r + 3 < end; r += 4) {
                    int o0 = r * f;
                    int o1 = o0 + f;
                    int o2 = o1 + f;
                    int o3 = o2 + f;
                    int i0 = 0;
                    int i1 = 0;
                    int i2 = 0;
                    int i3 = 0;
                    if (finite) {
                        for (int level = 0; level < depth; level++) {
                            i0 = stepFinite(n, nodeBase, i0, values, o0);
                            i1 = stepFinite(n, nodeBase, i1, values, o1);
                            i2 = stepFinite(n, nodeBase, i2, values, o2);
                            i3 = stepFinite(n, nodeBase, i3, values, o3);
                        }
                    } else {
                        for (int level = 0; level < depth; level++) {
                            i0 = step(n, nodeBase, i0, values, o0);
                            i1 = step(n, nodeBase, i1, values, o1);
                            i2 = step(n, nodeBase, i2, values, o2);
                            i3 = step(n, nodeBase, i3, values, o3);
                        }
                    }
                    out[r] = (float) out[r] + padLeaves[leafBase + i0];
                    out[r + 1] = (float) out[r + 1] + padLeaves[leafBase + i1];
                    out[r + 2] = (float) out[r + 2] + padLeaves[leafBase + i2];
                    out[r + 3] = (float) out[r + 3] + padLeaves[leafBase + i3];
                }
                for (; r < end; r++) {
                    int offset = r * f;
                    int i = 0;
                    for (int level = 0; level < depth; level++) {
                        i = step(n, nodeBase, i, values, offset);
                    }
                    out[r] = (float) out[r] + padLeaves[leafBase + i];
                }
            }
            for (int r = start; r < end; r++) {
                out[r] = objective.transform((float) out[r]);
            }
        }
    }

    private float groupMargin(float[] values, int offset, int group) {
        float sum = baseMargins[group];
        boolean single = groups.length == 0;
        for (int t = 0; t < roots.length; t++) {
            if (!single && groups[t] != group) {
                continue;
            }
            int leaf = ~(hasCategorical ? walk(roots[t], values, offset) : walkNumeric(roots[t], values, offset));
            if (weighted) {
                sum += treeWeights[t] * leaves[leaf];
            } else {
                sum += leaves[leaf];
            }
        }
        return sum;
    }

    /** Numeric splits only: the hot loop. */
    private int walkNumeric(int node, float[] values, int offset) {
        int[] n = nodes;
        while (node >= 0) {
            int slot = node << 2;
            int word = n[slot];
            float x = values[offset + (word & FEATURE_MASK)];
            float threshold = Float.intBitsToFloat(n[slot + 1]);
            if (x < threshold) {
                node = n[slot + 2];
            } else if (x >= threshold) {
                node = n[slot + 3];
            } else {
                node = (word & DEFAULT_LEFT) != 0 ? n[slot + 2] : n[slot + 3];
            }
        }
        return node;
    }

    private int walk(int node, float[] values, int offset) {
        while (node >= 0) {
            node = next(node, values, offset);
        }
        return node;
    }

    private int next(int node, float[] values, int offset) {
        int slot = node << 2;
        int word = nodes[slot];
        float x = values[offset + (word & FEATURE_MASK)];
        if (Float.isNaN(x)) {
            return (word & DEFAULT_LEFT) != 0 ? nodes[slot + 2] : nodes[slot + 3];
        }
        if ((word & CATEGORICAL) != 0) {
            return inCategorySet(nodes[slot + 1], x) ? nodes[slot + 3] : nodes[slot + 2];
        }
        return x < Float.intBitsToFloat(nodes[slot + 1]) ? nodes[slot + 2] : nodes[slot + 3];
    }

    private boolean inCategorySet(int offset, float x) {
        // XGBoost treats negative, non-integral or too large values as "not in the set" (go left).
        if (!(x >= 0) || x >= (1 << 24) || x != (int) x) {
            return false;
        }
        int category = (int) x;
        int words = categories[offset];
        int word = category >>> 5;
        return word < words && (categories[offset + 1 + word] & (1 << (category & 31))) != 0;
    }

    @Override
    public List<BinaryTree> binaryTrees() {
        List<BinaryTree> trees = new ArrayList<>(roots.length);
        for (int t = 0; t < roots.length; t++) {
            // Number the nodes of tree t depth-first from its root.
            List<Integer> order = new ArrayList<>();
            java.util.ArrayDeque<Integer> stack = new java.util.ArrayDeque<>();
            stack.push(roots[t]);
            while (!stack.isEmpty()) {
                int ref = stack.pop();
                order.add(ref);
                if (ref >= 0) {
                    stack.push(nodes[(ref << 2) + 3]);
                    stack.push(nodes[(ref << 2) + 2]);
                }
            }
            java.util.Map<Integer, Integer> index = new java.util.HashMap<>();
            for (int i = 0; i < order.size(); i++) {
                index.put(order.get(i), i);
            }
            int n = order.size();
            int[] feature = new int[n];
            float[] threshold = new float[n];
            int[] left = new int[n];
            int[] right = new int[n];
            boolean[] defaultLeft = new boolean[n];
            double[] value = new double[n];
            int[][] cats = new int[n][];
            float weight = weighted ? treeWeights[t] : 1f;
            for (int i = 0; i < n; i++) {
                int ref = order.get(i);
                if (ref < 0) {
                    left[i] = -1;
                    right[i] = -1;
                    value[i] = weight * leaves[~ref];
                    continue;
                }
                int slot = ref << 2;
                int word = nodes[slot];
                feature[i] = word & FEATURE_MASK;
                defaultLeft[i] = (word & DEFAULT_LEFT) != 0;
                left[i] = index.get(nodes[slot + 2]);
                right[i] = index.get(nodes[slot + 3]);
                if ((word & CATEGORICAL) != 0) {
                    int offset = nodes[slot + 1];
                    List<Integer> members = new ArrayList<>();
                    for (int w = 0; w < categories[offset]; w++) {
                        for (int bit = 0; bit < 32; bit++) {
                            if ((categories[offset + 1 + w] & (1 << bit)) != 0) {
                                members.add(w * 32 + bit);
                            }
                        }
                    }
                    cats[i] = members.stream().mapToInt(Integer::intValue).toArray();
                } else {
                    threshold[i] = Float.intBitsToFloat(nodes[slot + 1]);
                }
            }
            trees.add(new BinaryTree(groups.length == 0 ? 0 : groups[t], true, feature, threshold, left, right,
                    defaultLeft, value, cats));
        }
        return trees;
    }

    @Override
    public double[] baseMargins() {
        double[] out = new double[baseMargins.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = baseMargins[i];
        }
        return out;
    }

    @Override
    public float[] thresholds(int feature) {
        java.util.TreeSet<Float> values = new java.util.TreeSet<>();
        for (int slot = 0; slot < nodes.length; slot += 4) {
            int word = nodes[slot];
            if ((word & CATEGORICAL) == 0 && (word & FEATURE_MASK) == feature) {
                values.add(Float.intBitsToFloat(nodes[slot + 1]));
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
        int group = objective.groups() == 2 ? 1 : 0;
        for (int t = 0; t < roots.length; t++) {
            double sign = 1.0;
            if (objective.groups() == 2) {
                sign = groups[t] == 1 ? 1.0 : -1.0;
            }
            double weight = (weighted ? treeWeights[t] : 1.0) * sign;
            int node = roots[t];
            if (node < 0) {
                out[featureCount] += weight * leaves[~node];
                continue;
            }
            double parentMean = nodeMeans[node];
            out[featureCount] += weight * parentMean;
            while (node >= 0) {
                int feature = nodes[node << 2] & FEATURE_MASK;
                int child = next(node, values, offset);
                double childMean = child >= 0 ? nodeMeans[child] : leaves[~child];
                out[feature] += weight * (childMean - parentMean);
                parentMean = childMean;
                node = child;
            }
        }
        if (objective.groups() == 2) {
            out[featureCount] += (double) baseMargins[1] - baseMargins[0];
        } else {
            out[featureCount] += baseMargins[group];
        }
    }

    /**
     * @param document the parsed model file
     * @param file its name, for messages
     * @return the compiled model
     */
    static XgboostForest compile(Map<String, Object> document, String file) {
        // A switch for the layout benchmarks only: -Danomalyops.trees.layout=pointers.
        String layout = System.getProperty("anomalyops.trees.layout", "auto");
        return compile(document, file, layout.equalsIgnoreCase("pointers") ? Layout.POINTERS : Layout.AUTO);
    }

    /**
     * @param document the parsed model file
     * @param file its name, for messages
     * @param layout the prediction layout
     * @return the compiled model
     */
    static XgboostForest compile(Map<String, Object> document, String file, Layout layout) {
        Documents d = new Documents(file);
        Map<String, Object> learner = d.object(document, "learner", "$");
        Map<String, Object> params = d.object(learner, "learner_model_param", "learner");
        int numClass = d.integer(params, "num_class", "learner.learner_model_param");
        int numFeature = d.integer(params, "num_feature", "learner.learner_model_param");
        String numTarget = d.optionalText(params, "num_target", "1");
        if (!numTarget.equals("1")) {
            throw d.unsupported("multi-target models (num_target " + numTarget + ") are not supported; train one"
                    + " model per target");
        }
        String objectiveName = d.text(d.object(learner, "objective", "learner"), "name", "learner.objective");
        Objective objective = Objective.ofXgboost(objectiveName, numClass);
        if (objective == null) {
            throw d.unsupported("objective \"" + objectiveName + "\""
                    + (numClass > 2 ? " with " + numClass + " classes" : "")
                    + " is not supported; AnomalyOps scores binary classifiers and regressors");
        }
        float[] baseScores = parseBaseScore(d.text(params, "base_score", "learner.learner_model_param"), d);

        Map<String, Object> booster = d.object(learner, "gradient_booster", "learner");
        String boosterName = d.text(booster, "name", "learner.gradient_booster");
        Map<String, Object> model;
        float[] weights = null;
        if (boosterName.equals("gbtree")) {
            model = d.object(booster, "model", "learner.gradient_booster");
        } else if (boosterName.equals("dart")) {
            Map<String, Object> gbtree = d.object(booster, "gbtree", "learner.gradient_booster");
            model = d.object(gbtree, "model", "learner.gradient_booster.gbtree");
            double[] drop = d.numbers(booster, "weight_drop", "learner.gradient_booster");
            weights = new float[drop.length];
            for (int i = 0; i < drop.length; i++) {
                weights[i] = (float) drop[i];
            }
        } else {
            throw d.unsupported("booster \"" + boosterName + "\" is not a tree booster; only gbtree and dart are scored");
        }
        if (weights == null && model.get("weight_drop") != null) {
            // XGBoost 3 saves dart models as gbtree with the tree weights inside the model.
            double[] drop = d.numbers(model, "weight_drop", "learner.gradient_booster.model");
            boolean allOne = true;
            for (double w : drop) {
                allOne &= w == 1.0;
            }
            if (!allOne) {
                weights = new float[drop.length];
                for (int i = 0; i < drop.length; i++) {
                    weights[i] = (float) drop[i];
                }
            }
        }
        List<Object> trees = d.list(model, "trees", "gradient_booster.model");
        double[] treeInfo = d.optionalNumbers(model, "tree_info", "gradient_booster.model");
        if (weights != null && weights.length != trees.size()) {
            throw d.unsupported("dart model has " + trees.size() + " trees but " + weights.length + " weights");
        }

        Builder b = new Builder(numFeature, objective, weights);
        b.layout = layout;
        Object names = learner.get("feature_names");
        if (names instanceof List<?> list) {
            for (Object name : list) {
                b.featureNames.add(String.valueOf(name));
            }
            if (!b.featureNames.isEmpty() && b.featureNames.size() != numFeature) {
                throw d.unsupported("it names " + b.featureNames.size() + " features but num_feature is " + numFeature);
            }
        }
        int groupCount = objective.groups();
        b.baseMargins = new float[groupCount];
        if (baseScores.length == 1) {
            Arrays.fill(b.baseMargins, objective.baseMargin(baseScores[0]));
        } else if (baseScores.length == groupCount) {
            // XGBoost 3 keeps one intercept per class for multi-class models, already in margin space.
            System.arraycopy(baseScores, 0, b.baseMargins, 0, groupCount);
        } else {
            throw d.unsupported("base_score has " + baseScores.length + " values for " + groupCount + " outputs");
        }
        for (int t = 0; t < trees.size(); t++) {
            @SuppressWarnings("unchecked")
            Map<String, Object> tree = (Map<String, Object>) trees.get(t);
            int group = treeInfo.length > t ? (int) treeInfo[t] : 0;
            if (group < 0 || group >= groupCount) {
                throw d.unsupported("tree " + t + " belongs to output group " + group + " of " + groupCount);
            }
            b.addTree(tree, t, group, d);
        }
        return new XgboostForest(b);
    }

    /** XGBoost 1.x writes {@code "5E-1"}, XGBoost 3 writes {@code "[5E-1]"} (one value per output). */
    private static float[] parseBaseScore(String text, Documents d) {
        String trimmed = text.trim();
        if (trimmed.startsWith("[") && trimmed.endsWith("]")) {
            trimmed = trimmed.substring(1, trimmed.length() - 1).trim();
        }
        String[] parts = trimmed.split(",");
        float[] values = new float[parts.length];
        try {
            for (int i = 0; i < parts.length; i++) {
                values[i] = Float.parseFloat(parts[i].trim());
            }
        } catch (NumberFormatException e) {
            throw d.invalid("learner.learner_model_param.base_score", "a number or a list of numbers", text);
        }
        return values;
    }

    /** Collects trees into growing arrays. */
    private static final class Builder {
        final int featureCount;
        final Objective objective;
        final float[] treeWeights;
        final List<String> featureNames = new ArrayList<>();
        int[] nodes = new int[1024];
        int nodeCount;
        float[] leaves = new float[256];
        int leafCount;
        float[] nodeMeans = new float[256];
        final List<Integer> roots = new ArrayList<>();
        final List<Integer> groups = new ArrayList<>();
        final List<Integer> categories = new ArrayList<>();
        boolean hasCategorical;
        float[] baseMargins;
        Layout layout = Layout.AUTO;
        boolean paddable = true;
        int[] padNodes = new int[1024];
        int padNodeCount;
        float[] padLeaves = new float[512];
        int padLeafCount;
        final List<Integer> padDepth = new ArrayList<>();
        final List<Integer> padNodeOffset = new ArrayList<>();
        final List<Integer> padLeafOffset = new ArrayList<>();

        Builder(int featureCount, Objective objective, float[] treeWeights) {
            this.featureCount = featureCount;
            this.objective = objective;
            this.treeWeights = treeWeights;
        }

        void addTree(Map<String, Object> tree, int index, int group, Documents d) {
            String path = "trees[" + index + "]";
            double[] left = d.numbers(tree, "left_children", path);
            double[] right = d.numbers(tree, "right_children", path);
            double[] feature = d.numbers(tree, "split_indices", path);
            double[] condition = d.numbers(tree, "split_conditions", path);
            double[] defaultLeft = d.numbers(tree, "default_left", path);
            double[] splitType = d.optionalNumbers(tree, "split_type", path);
            double[] cover = d.optionalNumbers(tree, "sum_hessian", path);
            int n = left.length;
            if (n == 0 || right.length != n || feature.length != n || condition.length != n || defaultLeft.length != n
                    || (splitType.length != 0 && splitType.length != n)) {
                throw d.unsupported(path + " has node arrays of different lengths (left " + left.length + ", right "
                        + right.length + ", split_indices " + feature.length + ", split_conditions " + condition.length
                        + ", default_left " + defaultLeft.length + ")");
            }
            Map<String, Object> treeParam = d.optionalObject(tree, "tree_param");
            String leafVector = d.optionalText(treeParam, "size_leaf_vector", "1");
            if (!leafVector.equals("1") && !leafVector.equals("0")) {
                throw d.unsupported(path + " has vector leaves (size_leaf_vector " + leafVector + "), a multi-target tree");
            }
            int[] catOffsets = categoricalOffsets(tree, n, path, d);

            // Slots: internal nodes get consecutive slots in this tree's order; leaves go to leaves[].
            int[] ref = new int[n];
            int internal = 0;
            for (int i = 0; i < n; i++) {
                boolean leaf = left[i] == -1;
                if (!leaf) {
                    if (left[i] < 0 || left[i] >= n || right[i] < 0 || right[i] >= n) {
                        throw d.unsupported(path + " node " + i + " has children " + (long) left[i] + " and "
                                + (long) right[i] + " outside 0.." + (n - 1));
                    }
                    if (feature[i] < 0 || feature[i] >= featureCount) {
                        throw d.unsupported(path + " node " + i + " splits on feature " + (long) feature[i]
                                + " but the model has " + featureCount + " features");
                    }
                    ref[i] = nodeCount + internal++;
                } else {
                    ref[i] = ~(leafCount + (i - internal));
                }
            }
            int leafTotal = n - internal;
            ensureCapacity(nodeCount + internal, leafCount + leafTotal);
            float[] means = expectedValues(left, right, condition, cover, n);
            for (int i = 0; i < n; i++) {
                if (ref[i] < 0) {
                    leaves[~ref[i]] = (float) condition[i];
                    continue;
                }
                int slot = ref[i] << 2;
                int word = (int) feature[i];
                if (defaultLeft[i] != 0) {
                    word |= DEFAULT_LEFT;
                }
                boolean categorical = splitType.length != 0 && splitType[i] == 1;
                nodes[slot] = word | (categorical ? CATEGORICAL : 0);
                nodes[slot + 1] = categorical ? catOffsets[i] : Float.floatToRawIntBits((float) condition[i]);
                nodes[slot + 2] = ref[(int) left[i]];
                nodes[slot + 3] = ref[(int) right[i]];
                nodeMeans[ref[i]] = means[i];
                hasCategorical |= categorical;
            }
            checkAcyclic(left, right, n, path, d);
            boolean numeric = splitType.length == 0 || Arrays.stream(splitType).allMatch(v -> v == 0);
            int depth = depth(left, right, 0);
            boolean finite = true;
            for (int i = 0; i < n; i++) {
                finite &= left[i] == -1 || Float.isFinite((float) condition[i]);
            }
            if (paddable && numeric && finite && depth <= MAX_PADDED_DEPTH) {
                float weight = treeWeights != null ? treeWeights[index] : 1f;
                pad(left, right, feature, condition, defaultLeft, depth, weight);
            } else {
                paddable = false;
            }
            nodeCount += internal;
            leafCount += leafTotal;
            roots.add(ref[0]);
            groups.add(group);
        }

        private int[] categoricalOffsets(Map<String, Object> tree, int n, String path, Documents d) {
            double[] catNodes = d.optionalNumbers(tree, "categories_nodes", path);
            int[] offsets = new int[n];
            if (catNodes.length == 0) {
                return offsets;
            }
            double[] cats = d.optionalNumbers(tree, "categories", path);
            double[] segments = d.optionalNumbers(tree, "categories_segments", path);
            double[] sizes = d.optionalNumbers(tree, "categories_sizes", path);
            if (segments.length != catNodes.length || sizes.length != catNodes.length) {
                throw d.unsupported(path + " has inconsistent categorical split arrays");
            }
            for (int k = 0; k < catNodes.length; k++) {
                int node = (int) catNodes[k];
                int begin = (int) segments[k];
                int size = (int) sizes[k];
                if (node < 0 || node >= n || begin < 0 || size < 0 || begin + size > cats.length) {
                    throw d.unsupported(path + " categorical split " + k + " points outside its arrays");
                }
                int max = -1;
                for (int i = begin; i < begin + size; i++) {
                    max = Math.max(max, (int) cats[i]);
                }
                int words = (max >>> 5) + 1;
                offsets[node] = categories.size();
                categories.add(words);
                int[] bits = new int[words];
                for (int i = begin; i < begin + size; i++) {
                    int c = (int) cats[i];
                    if (c < 0) {
                        throw d.unsupported(path + " has a negative category " + c);
                    }
                    bits[c >>> 5] |= 1 << (c & 31);
                }
                for (int bitsWord : bits) {
                    categories.add(bitsWord);
                }
            }
            return offsets;
        }

        private static int depth(double[] left, double[] right, int node) {
            // Iterative to stay safe on deep trees: depth-first with an explicit stack of (node, depth).
            int max = 0;
            int[] stack = new int[2 * left.length + 2];
            int top = 0;
            stack[top++] = node;
            stack[top++] = 0;
            while (top > 0) {
                int level = stack[--top];
                int current = stack[--top];
                max = Math.max(max, level);
                if (left[current] != -1 && top + 4 <= stack.length) {
                    stack[top++] = (int) left[current];
                    stack[top++] = level + 1;
                    stack[top++] = (int) right[current];
                    stack[top++] = level + 1;
                }
            }
            return max;
        }

        /** Appends one tree in the padded heap layout; dart weights are folded into the leaves. */
        private void pad(double[] left, double[] right, double[] feature, double[] condition, double[] defaultLeft,
                int depth, float weight) {
            int nodes = (1 << depth) - 1;
            int leaves = 1 << depth;
            if ((padNodeCount + 2 * nodes) > padNodes.length) {
                padNodes = Arrays.copyOf(padNodes, Math.max(padNodes.length * 2, padNodeCount + 2 * nodes));
            }
            if (padLeafCount + leaves > padLeaves.length) {
                padLeaves = Arrays.copyOf(padLeaves, Math.max(padLeaves.length * 2, padLeafCount + leaves));
            }
            padDepth.add(depth);
            padNodeOffset.add(padNodeCount);
            padLeafOffset.add(padLeafCount);
            fill(0, 0, 0, depth, left, right, feature, condition, defaultLeft, weight);
            padNodeCount += 2 * nodes;
            padLeafCount += leaves;
        }

        private void fill(int node, int heap, int level, int depth, double[] left, double[] right, double[] feature,
                double[] condition, double[] defaultLeft, float weight) {
            if (left[node] == -1) {
                // A leaf above the bottom: every heap leaf below this position holds its value. The dummy nodes
                // on the way down keep their zero words (feature 0, threshold 0): both their subtrees agree.
                float value = weight * (float) condition[node];
                int span = 1 << (depth - level);
                int first = (heap - ((1 << level) - 1)) * span;
                Arrays.fill(padLeaves, padLeafCount + first, padLeafCount + first + span, value);
                clearDummies(heap, level, depth);
                return;
            }
            int slot = padNodeCount + 2 * heap;
            padNodes[slot] = (int) feature[node] | (defaultLeft[node] != 0 ? DEFAULT_LEFT : 0);
            padNodes[slot + 1] = Float.floatToRawIntBits((float) condition[node]);
            fill((int) left[node], 2 * heap + 1, level + 1, depth, left, right, feature, condition, defaultLeft, weight);
            fill((int) right[node], 2 * heap + 2, level + 1, depth, left, right, feature, condition, defaultLeft, weight);
        }

        private void clearDummies(int heap, int level, int depth) {
            if (level >= depth) {
                return;
            }
            int slot = padNodeCount + 2 * heap;
            padNodes[slot] = 0;
            padNodes[slot + 1] = 0;
            clearDummies(2 * heap + 1, level + 1, depth);
            clearDummies(2 * heap + 2, level + 1, depth);
        }

        /** Cover-weighted expected value of every node, as XGBoost's FillNodeMeanValues computes it. */
        private static float[] expectedValues(double[] left, double[] right, double[] condition, double[] cover, int n) {
            float[] means = new float[n];
            boolean[] done = new boolean[n];
            // Children have larger ids than parents in XGBoost trees, but do not rely on it: iterate to a fixpoint.
            for (int pass = 0; pass < n; pass++) {
                boolean changed = false;
                for (int i = n - 1; i >= 0; i--) {
                    if (done[i]) {
                        continue;
                    }
                    if (left[i] == -1) {
                        means[i] = (float) condition[i];
                        done[i] = true;
                        changed = true;
                    } else {
                        int l = (int) left[i];
                        int r = (int) right[i];
                        if (l >= 0 && l < n && r >= 0 && r < n && done[l] && done[r]) {
                            double cl = cover.length == n ? cover[l] : 1.0;
                            double cr = cover.length == n ? cover[r] : 1.0;
                            double total = cl + cr;
                            means[i] = total > 0 ? (float) ((means[l] * cl + means[r] * cr) / total)
                                    : (float) ((means[l] + means[r]) / 2.0);
                            done[i] = true;
                            changed = true;
                        }
                    }
                }
                if (!changed) {
                    break;
                }
            }
            return means;
        }

        private static void checkAcyclic(double[] left, double[] right, int n, String path, Documents d) {
            // Every node must be reached from the root exactly once, or traversal could loop forever.
            int[] seen = new int[n];
            int[] stack = new int[n + 1];
            int top = 0;
            stack[top++] = 0;
            while (top > 0) {
                int node = stack[--top];
                if (seen[node]++ > 0) {
                    throw d.unsupported(path + " is not a tree: node " + node + " is reached twice");
                }
                if (left[node] != -1) {
                    if (top + 2 > stack.length) {
                        throw d.unsupported(path + " is not a tree: it has more edges than nodes");
                    }
                    stack[top++] = (int) left[node];
                    stack[top++] = (int) right[node];
                }
            }
        }

        private void ensureCapacity(int nodeSlots, int leafSlots) {
            if (nodeSlots * 4 > nodes.length) {
                nodes = Arrays.copyOf(nodes, Math.max(nodes.length * 2, nodeSlots * 4));
            }
            if (nodeSlots > nodeMeans.length) {
                nodeMeans = Arrays.copyOf(nodeMeans, Math.max(nodeMeans.length * 2, nodeSlots));
            }
            if (leafSlots > leaves.length) {
                leaves = Arrays.copyOf(leaves, Math.max(leaves.length * 2, leafSlots));
            }
        }
    }
}
