package dev.anomalyops.features.logs.templates;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Drain's fixed-depth search tree: the first level splits clusters by token count, the next
 * {@code prefixLevels} levels by the first tokens, and the leaves hold clusters. A cluster whose token at a
 * level contains {@code <*>} sits under the wildcard branch, and so does one whose node is full
 * ({@code maxChildren}). A search follows both the token's own branch and the wildcard branch, so every
 * cluster that can match a message is seen whatever the branching.
 *
 * <p>Not thread-safe; the frozen {@link TemplateMatcher} only reads its own copy.
 */
final class PrefixTree {
    private final int prefixLevels;
    private final int maxChildren;
    private final HashMap<Integer, Node> roots = new HashMap<>();

    PrefixTree(int prefixLevels, int maxChildren) {
        this.prefixLevels = prefixLevels;
        this.maxChildren = maxChildren;
    }

    /** A tree node; leaves (at the last level for a length) hold clusters. */
    static final class Node {
        @Nullable HashMap<String, Node> children;
        @Nullable ArrayList<Cluster> clusters;
    }

    void add(Cluster cluster) {
        String[] tokens = cluster.tokens;
        Node node = roots.computeIfAbsent(tokens.length, k -> new Node());
        int levels = Math.min(prefixLevels, tokens.length);
        for (int level = 0; level < levels; level++) {
            String token = tokens[level];
            if (node.children == null) {
                node.children = new HashMap<>(4);
            }
            String key = token.contains(Tokenizer.WILDCARD) ? Tokenizer.WILDCARD : token;
            Node child = node.children.get(key);
            if (child == null) {
                boolean hasWildcard = node.children.containsKey(Tokenizer.WILDCARD);
                int constants = node.children.size() - (hasWildcard ? 1 : 0);
                if (!key.equals(Tokenizer.WILDCARD) && constants >= maxChildren - 1) {
                    key = Tokenizer.WILDCARD;
                    child = node.children.get(key);
                }
                if (child == null) {
                    child = new Node();
                    node.children.put(key, child);
                }
            }
            node = child;
        }
        if (node.clusters == null) {
            node.clusters = new ArrayList<>(2);
        }
        node.clusters.add(cluster);
        cluster.leaf = node;
    }

    void remove(Cluster cluster) {
        Node leaf = cluster.leaf;
        if (leaf != null && leaf.clusters != null) {
            leaf.clusters.remove(cluster);
        }
        cluster.leaf = null;
    }

    /**
     * @param tokens a masked message
     * @return the cluster whose template matches every token, preferring the most literal tokens, then the
     *     lowest id; null when none matches
     */
    @Nullable Cluster find(String[] tokens) {
        Node root = roots.get(tokens.length);
        if (root == null) {
            return null;
        }
        Best best = new Best();
        search(root, tokens, 0, Math.min(prefixLevels, tokens.length), best);
        return best.cluster;
    }

    private static final class Best {
        @Nullable Cluster cluster;
        int literals = -1;
    }

    private static void search(Node node, String[] tokens, int level, int levels, Best best) {
        if (level == levels) {
            List<Cluster> clusters = node.clusters;
            if (clusters != null) {
                for (int i = 0, n = clusters.size(); i < n; i++) {
                    Cluster cluster = clusters.get(i);
                    int literals = Glob.literalMatches(cluster.tokens, tokens);
                    if (literals > best.literals || (literals == best.literals && best.cluster != null
                            && literals >= 0 && cluster.id < best.cluster.id)) {
                        best.cluster = cluster;
                        best.literals = literals;
                    }
                }
            }
            return;
        }
        HashMap<String, Node> children = node.children;
        if (children == null) {
            return;
        }
        Node exact = children.get(tokens[level]);
        if (exact != null) {
            search(exact, tokens, level + 1, levels, best);
        }
        Node wildcard = children.get(Tokenizer.WILDCARD);
        if (wildcard != null && wildcard != exact) {
            search(wildcard, tokens, level + 1, levels, best);
        }
    }
}
