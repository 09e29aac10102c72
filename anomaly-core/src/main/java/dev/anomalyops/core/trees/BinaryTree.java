package dev.anomalyops.core.trees;

import java.util.Objects;

/**
 * One decision tree of an ensemble as plain arrays, for exporters (ONNX, Triton FIL, Treelite-style
 * formats). Node 0 is the root; a node is a leaf when {@code left[i] == -1}. A row goes left when
 * {@link #leftWhenLess()} and {@code x < threshold[i]} (XGBoost's rule), or when not {@link #leftWhenLess()}
 * and {@code x <= threshold[i]} (CatBoost's {@code x > border} goes right). NaN follows {@code defaultLeft[i]}.
 * A categorical node ({@code categories[i] != null}) sends the listed categories right and all others left.
 * The arrays are this record's own copies: exporters read them, nobody should write them.
 *
 * @param group the output group (class) the tree adds to; 0 for single-output models
 * @param leftWhenLess true for strict {@code <} comparisons, false for {@code <=}
 * @param feature split feature per node (unused for leaves)
 * @param threshold split threshold per node (unused for leaves and categorical nodes)
 * @param left left child per node, -1 for leaves
 * @param right right child per node, -1 for leaves
 * @param defaultLeft where NaN goes per node
 * @param value leaf value per leaf node (tree weights already folded in; unused for internal nodes)
 * @param categories per node, the categories that go right, or null for numeric splits and leaves
 */
public record BinaryTree(int group, boolean leftWhenLess, int[] feature, float[] threshold, int[] left, int[] right,
        boolean[] defaultLeft, double[] value, int[][] categories) {

    /** Checks that every array has one entry per node. */
    public BinaryTree {
        int n = left.length;
        Objects.requireNonNull(feature, "feature");
        if (feature.length != n || threshold.length != n || right.length != n || defaultLeft.length != n
                || value.length != n || categories.length != n) {
            throw new IllegalArgumentException("every node array must have " + n + " entries");
        }
    }

    /** @return the number of nodes, internal and leaves */
    public int size() {
        return left.length;
    }

    /**
     * @param node a node index
     * @return whether it is a leaf
     */
    public boolean isLeaf(int node) {
        return left[node] == -1;
    }
}
