package dev.anomalyops.benchmarks.logs;

import java.util.SplittableRandom;

/**
 * STAND-IN, to be replaced: a minimal Isolation Forest (Liu, Ting, Zhou, ICDM 2008) with scikit-learn's
 * semantics for the parts {@code ./bench hdfs} uses: {@code n_estimators} trees on sub-samples of
 * {@code max_samples} rows drawn without replacement, random feature (among those not constant in the node) and
 * uniform split value, height limit {@code ceil(log2(max_samples))}, score {@code 2^(-E[h(x)]/c(n))}, and the
 * {@code contamination='auto'} threshold (score above 0.5). It exists only because the real one (issue 4,
 * anomaly-train) is not on this branch; it is not tuned, not parallel, and not part of any published module.
 */
public final class StandInIsolationForest {
    private final Node[] trees;
    private final double normaliser;

    private StandInIsolationForest(Node[] trees, int samples) {
        this.trees = trees;
        this.normaliser = averagePathLength(samples);
    }

    private static final class Node {
        int feature = -1;
        float split;
        Node left;
        Node right;
        int size;
    }

    /**
     * @param data training rows
     * @param trees number of trees (100 in scikit-learn)
     * @param maxSamples rows per tree (256 in scikit-learn), capped at the number of rows
     * @param seed random seed
     * @return the fitted forest
     */
    public static StandInIsolationForest fit(float[][] data, int trees, int maxSamples, long seed) {
        if (data.length == 0) {
            throw new IllegalArgumentException("Cannot fit an Isolation Forest on no rows");
        }
        int samples = Math.min(maxSamples, data.length);
        int heightLimit = (int) Math.ceil(Math.log(Math.max(samples, 2)) / Math.log(2));
        SplittableRandom random = new SplittableRandom(seed);
        Node[] forest = new Node[trees];
        int[] indices = new int[data.length];
        for (int t = 0; t < trees; t++) {
            for (int i = 0; i < indices.length; i++) {
                indices[i] = i;
            }
            for (int i = 0; i < samples; i++) {
                int j = i + random.nextInt(indices.length - i);
                int swap = indices[i];
                indices[i] = indices[j];
                indices[j] = swap;
            }
            int[] subset = java.util.Arrays.copyOf(indices, samples);
            forest[t] = build(data, subset, 0, heightLimit, random);
        }
        return new StandInIsolationForest(forest, samples);
    }

    private static Node build(float[][] data, int[] rows, int depth, int heightLimit, SplittableRandom random) {
        Node node = new Node();
        node.size = rows.length;
        if (depth >= heightLimit || rows.length <= 1) {
            return node;
        }
        int features = data[0].length;
        int[] candidates = new int[features];
        int count = 0;
        float[] min = new float[features];
        float[] max = new float[features];
        for (int f = 0; f < features; f++) {
            float lo = Float.POSITIVE_INFINITY;
            float hi = Float.NEGATIVE_INFINITY;
            for (int row : rows) {
                lo = Math.min(lo, data[row][f]);
                hi = Math.max(hi, data[row][f]);
            }
            min[f] = lo;
            max[f] = hi;
            if (hi > lo) {
                candidates[count++] = f;
            }
        }
        if (count == 0) {
            return node;
        }
        int feature = candidates[random.nextInt(count)];
        float split = (float) (min[feature] + random.nextDouble() * (max[feature] - min[feature]));
        int left = 0;
        for (int row : rows) {
            if (data[row][feature] < split) {
                left++;
            }
        }
        if (left == 0 || left == rows.length) {
            return node;
        }
        int[] leftRows = new int[left];
        int[] rightRows = new int[rows.length - left];
        int l = 0;
        int r = 0;
        for (int row : rows) {
            if (data[row][feature] < split) {
                leftRows[l++] = row;
            } else {
                rightRows[r++] = row;
            }
        }
        node.feature = feature;
        node.split = split;
        node.left = build(data, leftRows, depth + 1, heightLimit, random);
        node.right = build(data, rightRows, depth + 1, heightLimit, random);
        return node;
    }

    /**
     * @param row a sample
     * @return its anomaly score in (0, 1); above 0.5 is anomalous under {@code contamination='auto'}
     */
    public double score(float[] row) {
        double total = 0;
        for (Node tree : trees) {
            Node node = tree;
            int depth = 0;
            while (node.feature >= 0) {
                node = row[node.feature] < node.split ? node.left : node.right;
                depth++;
            }
            total += depth + averagePathLength(node.size);
        }
        return Math.pow(2, -(total / trees.length) / normaliser);
    }

    /** c(n): the average path length of an unsuccessful search in a binary search tree of n points. */
    static double averagePathLength(int n) {
        if (n <= 1) {
            return 0;
        }
        if (n == 2) {
            return 1;
        }
        return 2.0 * (Math.log(n - 1.0) + 0.5772156649015329) - 2.0 * (n - 1.0) / n;
    }
}
