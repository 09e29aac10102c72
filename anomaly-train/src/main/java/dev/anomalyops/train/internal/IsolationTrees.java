package dev.anomalyops.train.internal;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The trees of an Isolation Forest in flat arrays (all trees concatenated, children addressed by absolute
 * index), built and scored the way Liu, Ting and Zhou (ICDM 2008) and scikit-learn's {@code IsolationForest}
 * do, plus the hyperplane variant of Hariri, Carrasco Kind and Brunner (Extended Isolation Forest, 2021).
 * Immutable once built, so scoring is thread-safe.
 *
 * <p>A row's path length in one tree is the number of edges from the root to its leaf plus {@code c(size)},
 * the average path length of an unsuccessful binary-search-tree lookup among the {@code size} training
 * samples that reached that leaf. A missing value (NaN) at a split takes both branches, weighted by the
 * number of training samples that went each way.
 */
public final class IsolationTrees {
    /** Euler–Mascheroni constant, as numpy's {@code euler_gamma}. */
    private static final double EULER = 0.5772156649015329;
    /** Feature ranges narrower than this count as constant (scikit-learn's FEATURE_THRESHOLD). */
    private static final double CONSTANT_RANGE = 1e-7;
    private static final int LEAF = -1;
    private static final int HYPERPLANE = -2;

    /** How internal nodes cut the space. */
    public enum Rule {
        /** One feature against a threshold (the original algorithm; scikit-learn's). */
        AXIS_PARALLEL,
        /** A random hyperplane through a random point of the node's bounding box (Extended Isolation Forest). */
        HYPERPLANE
    }

    private final int features;
    private final int samples;
    private final double normaliser;
    private final Rule rule;
    private final int[][] subsets;
    private final int[] roots;
    private final int[] feature;
    private final double[] value;
    private final double[] pathLength;
    private final int[] left;
    private final int[] right;
    private final int[] size;
    private final int[] hpStart;
    private final int[] hpLength;
    private final int[] hpFeature;
    private final float[] hpWeight;

    private IsolationTrees(int features, int samples, Rule rule, int[][] subsets, int[] roots, int[] feature,
            double[] value, int[] left, int[] right, int[] size, int[] hpStart, int[] hpLength, int[] hpFeature,
            float[] hpWeight) {
        this.features = features;
        this.samples = samples;
        this.normaliser = averagePathLength(samples);
        this.rule = rule;
        this.subsets = subsets;
        this.roots = roots;
        this.feature = feature;
        this.value = value;
        this.left = left;
        this.right = right;
        this.size = size;
        this.hpStart = hpStart;
        this.hpLength = hpLength;
        this.hpFeature = hpFeature;
        this.hpWeight = hpWeight;
        this.pathLength = new double[feature.length];
        for (int root : roots) {
            fillPathLengths(root, 0);
        }
    }

    private void fillPathLengths(int root, int rootDepth) {
        // Iterative: depth is small (ceil(log2 ψ)) but trees read from files may be deeper.
        int[] stack = new int[64];
        int[] depths = new int[64];
        int top = 0;
        stack[top] = root;
        depths[top++] = rootDepth;
        while (top > 0) {
            int node = stack[--top];
            int depth = depths[top];
            if (feature[node] == LEAF) {
                pathLength[node] = depth + averagePathLength(size[node]);
                continue;
            }
            if (top + 2 > stack.length) {
                stack = Arrays.copyOf(stack, stack.length * 2);
                depths = Arrays.copyOf(depths, depths.length * 2);
            }
            stack[top] = left[node];
            depths[top++] = depth + 1;
            stack[top] = right[node];
            depths[top++] = depth + 1;
        }
    }

    /**
     * @param n number of samples
     * @return {@code c(n)}: 0 for n ≤ 1, 1 for n = 2, else {@code 2 (ln(n-1) + γ) - 2 (n-1)/n}
     */
    public static double averagePathLength(long n) {
        if (n <= 1) {
            return 0.0;
        }
        if (n == 2) {
            return 1.0;
        }
        return 2.0 * (Math.log(n - 1.0) + EULER) - 2.0 * (n - 1.0) / n;
    }

    /** @return number of trees */
    public int trees() {
        return roots.length;
    }

    /** @return the row width */
    public int features() {
        return features;
    }

    /** @return samples per tree (ψ) */
    public int samples() {
        return samples;
    }

    /** @return the cut rule */
    public Rule rule() {
        return rule;
    }

    /** @return total number of nodes */
    public int nodes() {
        return feature.length;
    }

    /**
     * @param values row-major values
     * @param offset where the row starts
     * @return the anomaly score {@code 2^(-E[h(x)] / c(ψ))}
     */
    public double score(float[] values, int offset) {
        double total = 0;
        for (int root : roots) {
            total += path(root, values, offset);
        }
        return Math.pow(2.0, -(total / roots.length) / normaliser);
    }

    private double path(int start, float[] x, int offset) {
        int node = start;
        while (true) {
            int f = feature[node];
            if (f >= 0) {
                float v = x[offset + f];
                if (v != v) {
                    return weighted(node, x, offset);
                }
                node = v <= value[node] ? left[node] : right[node];
            } else if (f == LEAF) {
                return pathLength[node];
            } else {
                double dot = 0;
                int end = hpStart[node] + hpLength[node];
                for (int i = hpStart[node]; i < end; i++) {
                    dot += (double) hpWeight[i] * x[offset + hpFeature[i]];
                }
                if (dot != dot) {
                    return weighted(node, x, offset);
                }
                node = dot <= value[node] ? left[node] : right[node];
            }
        }
    }

    private double weighted(int node, float[] x, int offset) {
        int l = left[node];
        int r = right[node];
        double total = (double) size[l] + size[r];
        double result = 0;
        if (size[l] > 0) {
            result += size[l] / total * path(l, x, offset);
        }
        if (size[r] > 0) {
            result += size[r] / total * path(r, x, offset);
        }
        return result;
    }

    /**
     * Builds one tree from its sample. Nodes split until a node holds one sample, all its candidate features
     * are constant, or it reaches {@code maxDepth}.
     *
     * @param data the sample, row-major over {@code subset.length} columns
     * @param rows number of sample rows
     * @param subset the original index of each column
     * @param maxDepth depth limit, {@code ceil(log2 ψ)}
     * @param random the tree's random stream
     * @param rule how nodes cut
     * @param extensionLevel for hyperplanes: how many dimensions besides one may have a non-zero weight;
     *     negative means all (fully extended)
     * @return the tree
     */
    public static Tree build(float[] data, int rows, int[] subset, int maxDepth, SplittableRandom random, Rule rule,
            int extensionLevel) {
        return new TreeGrower(data, rows, subset, maxDepth, random, rule, extensionLevel).grow();
    }

    /**
     * @param trees the trees, each with node indices local to itself
     * @param features the row width
     * @param samples samples per tree (ψ)
     * @param rule the cut rule they were built with
     * @return the forest
     */
    public static IsolationTrees of(List<Tree> trees, int features, int samples, Rule rule) {
        int nodes = 0;
        int weights = 0;
        for (Tree tree : trees) {
            nodes += tree.nodes;
            weights += tree.hpCount;
        }
        int[] feature = new int[nodes];
        double[] value = new double[nodes];
        int[] left = new int[nodes];
        int[] right = new int[nodes];
        int[] size = new int[nodes];
        int[] hpStart = new int[nodes];
        int[] hpLength = new int[nodes];
        int[] hpFeature = new int[weights];
        float[] hpWeight = new float[weights];
        int[] roots = new int[trees.size()];
        int[][] subsets = new int[trees.size()][];
        int base = 0;
        int wbase = 0;
        for (int t = 0; t < trees.size(); t++) {
            Tree tree = trees.get(t);
            roots[t] = base;
            subsets[t] = tree.subset.clone();
            for (int i = 0; i < tree.nodes; i++) {
                feature[base + i] = tree.feature[i];
                value[base + i] = tree.value[i];
                left[base + i] = tree.left[i] < 0 ? -1 : base + tree.left[i];
                right[base + i] = tree.right[i] < 0 ? -1 : base + tree.right[i];
                size[base + i] = tree.size[i];
                hpStart[base + i] = wbase + tree.hpStart[i];
                hpLength[base + i] = tree.hpLength[i];
            }
            System.arraycopy(tree.hpFeature, 0, hpFeature, wbase, tree.hpCount);
            System.arraycopy(tree.hpWeight, 0, hpWeight, wbase, tree.hpCount);
            base += tree.nodes;
            wbase += tree.hpCount;
        }
        return new IsolationTrees(features, samples, rule, subsets, roots, feature, value, left, right, size, hpStart,
                hpLength, hpFeature, hpWeight);
    }

    /** One tree with node indices local to it; node 0 is the root. */
    public static final class Tree {
        final int[] subset;
        int nodes;
        int[] feature = new int[64];
        double[] value = new double[64];
        int[] left = new int[64];
        int[] right = new int[64];
        int[] size = new int[64];
        int[] hpStart = new int[64];
        int[] hpLength = new int[64];
        int hpCount;
        int[] hpFeature = new int[0];
        float[] hpWeight = new float[0];

        Tree(int[] subset) {
            this.subset = subset.clone();
        }

        int add(int samples) {
            if (nodes == feature.length) {
                int capacity = nodes * 2;
                feature = Arrays.copyOf(feature, capacity);
                value = Arrays.copyOf(value, capacity);
                left = Arrays.copyOf(left, capacity);
                right = Arrays.copyOf(right, capacity);
                size = Arrays.copyOf(size, capacity);
                hpStart = Arrays.copyOf(hpStart, capacity);
                hpLength = Arrays.copyOf(hpLength, capacity);
            }
            int node = nodes++;
            feature[node] = LEAF;
            left[node] = -1;
            right[node] = -1;
            size[node] = samples;
            return node;
        }

        void addWeight(int featureIndex, float weight) {
            if (hpCount == hpFeature.length) {
                int capacity = Math.max(64, hpCount * 2);
                hpFeature = Arrays.copyOf(hpFeature, capacity);
                hpWeight = Arrays.copyOf(hpWeight, capacity);
            }
            hpFeature[hpCount] = featureIndex;
            hpWeight[hpCount++] = weight;
        }

        /** @return number of nodes */
        public int nodes() {
            return nodes;
        }
    }

    private static final class TreeGrower {
        private final float[] data;
        private final int rows;
        private final int k;
        private final int[] subset;
        private final int maxDepth;
        private final SplittableRandom random;
        private final Rule rule;
        private final int extensionLevel;
        private final int[] index;
        private final int[] order;
        private final double[] low;
        private final double[] high;
        private final double[] weight;
        private final Tree tree;

        TreeGrower(float[] data, int rows, int[] subset, int maxDepth, SplittableRandom random, Rule rule,
                int extensionLevel) {
            this.data = data;
            this.rows = rows;
            this.k = subset.length;
            this.subset = subset;
            this.maxDepth = maxDepth;
            this.random = random;
            this.rule = rule;
            this.extensionLevel = extensionLevel;
            this.index = new int[rows];
            for (int i = 0; i < rows; i++) {
                index[i] = i;
            }
            this.order = new int[k];
            this.low = new double[k];
            this.high = new double[k];
            this.weight = new double[k];
            this.tree = new Tree(subset);
        }

        Tree grow() {
            // Explicit stack of (start, end, depth, node); depth-first, left child first.
            int[] stack = new int[4 * 64];
            int top = 0;
            int root = tree.add(rows);
            stack[top++] = 0;
            stack[top++] = rows;
            stack[top++] = 0;
            stack[top++] = root;
            while (top > 0) {
                int node = stack[--top];
                int depth = stack[--top];
                int end = stack[--top];
                int start = stack[--top];
                int n = end - start;
                if (depth >= maxDepth || n < 2) {
                    continue;
                }
                int mid = rule == Rule.AXIS_PARALLEL ? splitAxis(node, start, end) : splitHyperplane(node, start, end);
                if (mid < 0) {
                    continue;
                }
                int l = tree.add(mid - start);
                int r = tree.add(end - mid);
                tree.left[node] = l;
                tree.right[node] = r;
                if (top + 8 > stack.length) {
                    stack = Arrays.copyOf(stack, stack.length * 2);
                }
                stack[top++] = mid;
                stack[top++] = end;
                stack[top++] = depth + 1;
                stack[top++] = r;
                stack[top++] = start;
                stack[top++] = mid;
                stack[top++] = depth + 1;
                stack[top++] = l;
            }
            return tree;
        }

        private int splitAxis(int node, int start, int end) {
            for (int j = 0; j < k; j++) {
                order[j] = j;
            }
            int remaining = k;
            while (remaining > 0) {
                // Draw features without replacement until one varies in this node: uniform among the
                // non-constant ones, as scikit-learn's random splitter with max_features=1.
                int pick = random.nextInt(remaining);
                int f = order[pick];
                order[pick] = order[remaining - 1];
                order[remaining - 1] = f;
                remaining--;
                double min = Double.POSITIVE_INFINITY;
                double max = Double.NEGATIVE_INFINITY;
                for (int i = start; i < end; i++) {
                    double v = data[index[i] * k + f];
                    if (v < min) {
                        min = v;
                    }
                    if (v > max) {
                        max = v;
                    }
                }
                if (max <= min + CONSTANT_RANGE) {
                    continue;
                }
                double threshold = (max - min) * random.nextDouble() + min;
                if (threshold == max) {
                    threshold = min;
                }
                int mid = partition(start, end, f, threshold);
                tree.feature[node] = subset[f];
                tree.value[node] = threshold;
                return mid;
            }
            return -1;
        }

        private int partition(int start, int end, int f, double threshold) {
            int i = start;
            int j = end - 1;
            while (i <= j) {
                if (data[index[i] * k + f] <= threshold) {
                    i++;
                } else {
                    int swap = index[i];
                    index[i] = index[j];
                    index[j--] = swap;
                }
            }
            return i;
        }

        private int splitHyperplane(int node, int start, int end) {
            int active = 0;
            for (int j = 0; j < k; j++) {
                double min = Double.POSITIVE_INFINITY;
                double max = Double.NEGATIVE_INFINITY;
                for (int i = start; i < end; i++) {
                    double v = data[index[i] * k + j];
                    min = Math.min(min, v);
                    max = Math.max(max, v);
                }
                low[j] = min;
                high[j] = max;
                if (max > min + CONSTANT_RANGE) {
                    order[active++] = j;
                }
            }
            if (active == 0) {
                return -1;
            }
            int dims = extensionLevel < 0 ? active : Math.min(active, extensionLevel + 1);
            // Choose `dims` of the varying dimensions (partial Fisher–Yates), then a normal vector and a point.
            for (int d = 0; d < dims; d++) {
                int pick = d + random.nextInt(active - d);
                int swap = order[d];
                order[d] = order[pick];
                order[pick] = swap;
            }
            double intercept = 0;
            tree.hpStart[node] = tree.hpCount;
            for (int d = 0; d < dims; d++) {
                int j = order[d];
                float w = (float) random.nextGaussian();
                double point = low[j] + (high[j] - low[j]) * random.nextDouble();
                weight[j] = w;
                intercept += (double) w * point;
                tree.addWeight(subset[j], w);
            }
            tree.hpLength[node] = dims;
            int i = start;
            int e = end - 1;
            while (i <= e) {
                double dot = 0;
                int row = index[i] * k;
                for (int d = 0; d < dims; d++) {
                    int j = order[d];
                    dot += weight[j] * data[row + j];
                }
                if (dot <= intercept) {
                    i++;
                } else {
                    int swap = index[i];
                    index[i] = index[e];
                    index[e--] = swap;
                }
            }
            tree.feature[node] = HYPERPLANE;
            tree.value[node] = intercept;
            return i;
        }
    }

    /**
     * Writes the trees as JSON arrays (node indices local to each tree).
     *
     * @param json an open generator, positioned where an array value may start
     * @throws IOException on write failure
     */
    public void writeTrees(JsonGenerator json) throws IOException {
        json.writeStartArray();
        for (int t = 0; t < roots.length; t++) {
            int base = roots[t];
            int end = t + 1 < roots.length ? roots[t + 1] : feature.length;
            json.writeStartObject();
            json.writeFieldName("features");
            json.writeArray(subsets[t], 0, subsets[t].length);
            json.writeFieldName("feature");
            json.writeStartArray();
            for (int i = base; i < end; i++) {
                json.writeNumber(feature[i]);
            }
            json.writeEndArray();
            json.writeFieldName("threshold");
            json.writeStartArray();
            for (int i = base; i < end; i++) {
                json.writeNumber(feature[i] == LEAF ? 0.0 : value[i]);
            }
            json.writeEndArray();
            writeLocal(json, "left", left, base, end);
            writeLocal(json, "right", right, base, end);
            json.writeFieldName("size");
            json.writeArray(size, base, end - base);
            if (rule == Rule.HYPERPLANE) {
                json.writeFieldName("weights");
                json.writeStartArray();
                for (int i = base; i < end; i++) {
                    json.writeStartArray();
                    for (int w = hpStart[i]; w < hpStart[i] + hpLength[i]; w++) {
                        json.writeNumber(hpFeature[w]);
                        json.writeNumber(hpWeight[w]);
                    }
                    json.writeEndArray();
                }
                json.writeEndArray();
            }
            json.writeEndObject();
        }
        json.writeEndArray();
    }

    private static void writeLocal(JsonGenerator json, String name, int[] nodes, int base, int end) throws IOException {
        json.writeFieldName(name);
        json.writeStartArray();
        for (int i = base; i < end; i++) {
            json.writeNumber(nodes[i] < 0 ? -1 : nodes[i] - base);
        }
        json.writeEndArray();
    }

    /**
     * Reads trees written by {@link #writeTrees}, checking every index.
     *
     * @param trees the JSON array
     * @param features row width
     * @param samples samples per tree (ψ)
     * @param rule the cut rule
     * @return the forest
     * @throws IllegalArgumentException naming the first inconsistency
     */
    public static IsolationTrees readTrees(JsonNode trees, int features, int samples, Rule rule) {
        if (!trees.isArray() || trees.isEmpty()) {
            throw new IllegalArgumentException("\"trees\" must be a non-empty array");
        }
        List<Tree> result = new ArrayList<>(trees.size());
        for (int t = 0; t < trees.size(); t++) {
            JsonNode node = trees.get(t);
            int[] featureArray = ints(node, "feature", t);
            int n = featureArray.length;
            double[] thresholds = doubles(node, "threshold", t, n);
            int[] l = ints(node, "left", t);
            int[] r = ints(node, "right", t);
            int[] s = ints(node, "size", t);
            int[] subset = ints(node, "features", t);
            if (l.length != n || r.length != n || s.length != n || n == 0) {
                throw new IllegalArgumentException("tree " + t + ": node arrays have different lengths");
            }
            Tree tree = new Tree(subset);
            for (int i = 0; i < n; i++) {
                tree.add(s[i]);
            }
            JsonNode weights = node.get("weights");
            for (int i = 0; i < n; i++) {
                int f = featureArray[i];
                boolean leaf = f == LEAF;
                if (f < HYPERPLANE || f >= features) {
                    throw new IllegalArgumentException("tree " + t + " node " + i + ": feature " + f
                            + " is outside [-2, " + features + ")");
                }
                if (!leaf && (l[i] <= i || r[i] <= i || l[i] >= n || r[i] >= n)) {
                    throw new IllegalArgumentException("tree " + t + " node " + i + ": children " + l[i] + ", " + r[i]
                            + " must point forward inside the tree");
                }
                if (s[i] < 0 || (!leaf && s[l[i]] + s[r[i]] != s[i])) {
                    throw new IllegalArgumentException("tree " + t + " node " + i + ": sample counts do not add up");
                }
                tree.feature[i] = f;
                tree.value[i] = thresholds[i];
                tree.left[i] = leaf ? -1 : l[i];
                tree.right[i] = leaf ? -1 : r[i];
                tree.hpStart[i] = tree.hpCount;
                if (f == HYPERPLANE) {
                    if (rule != Rule.HYPERPLANE || weights == null || weights.size() != n) {
                        throw new IllegalArgumentException("tree " + t + " node " + i
                                + ": a hyperplane node needs the \"weights\" array");
                    }
                    JsonNode pairs = weights.get(i);
                    for (int w = 0; w + 1 < pairs.size(); w += 2) {
                        int wf = pairs.get(w).asInt(-1);
                        if (wf < 0 || wf >= features) {
                            throw new IllegalArgumentException("tree " + t + " node " + i + ": weight feature " + wf
                                    + " is outside [0, " + features + ")");
                        }
                        tree.addWeight(wf, (float) pairs.get(w + 1).asDouble());
                    }
                    tree.hpLength[i] = tree.hpCount - tree.hpStart[i];
                }
            }
            result.add(tree);
        }
        return of(result, features, samples, rule);
    }

    private static int[] ints(JsonNode node, String field, int tree) {
        JsonNode array = node.get(field);
        if (array == null || !array.isArray()) {
            throw new IllegalArgumentException("tree " + tree + ": \"" + field + "\" must be an array");
        }
        int[] out = new int[array.size()];
        for (int i = 0; i < out.length; i++) {
            if (!array.get(i).canConvertToInt()) {
                throw new IllegalArgumentException("tree " + tree + ": \"" + field + "\"[" + i + "] is not an integer");
            }
            out[i] = array.get(i).intValue();
        }
        return out;
    }

    private static double[] doubles(JsonNode node, String field, int tree, int expected) {
        JsonNode array = node.get(field);
        if (array == null || !array.isArray() || array.size() != expected) {
            throw new IllegalArgumentException("tree " + tree + ": \"" + field + "\" must be an array of " + expected
                    + " numbers");
        }
        double[] out = new double[expected];
        for (int i = 0; i < expected; i++) {
            out[i] = array.get(i).asDouble();
        }
        return out;
    }
}
