package dev.anomalyops.features.logs.templates;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The read-only search structure of a {@link TemplateMatcher}: the same tree as the miner's (token count, then
 * the first tokens, then clusters), but with hash tables that compare a token as a range of the
 * {@link MaskedTokens} buffer, so that matching a known template creates no objects. A constant prefix token
 * has its own branch, a token with {@code <*>} sits under the wildcard branch; a search follows both, so it sees
 * every cluster the miner's tree would, and picks the same one (most literal tokens, then lowest id).
 *
 * <p>Immutable after construction, hence thread-safe.
 */
final class FrozenIndex {
    private static final String W = Tokenizer.WILDCARD;

    private final int prefixLevels;
    private final Node[] roots;
    private final int[] templateOf;

    /** One cluster: its id and tokens, with what the comparison needs precomputed. */
    private static final class Entry {
        final int clusterId;
        final String[] tokens;
        final int[] hashes;
        final boolean[] wildcard;
        final boolean[] glob;

        Entry(int clusterId, String[] tokens) {
            this.clusterId = clusterId;
            this.tokens = tokens;
            this.hashes = new int[tokens.length];
            this.wildcard = new boolean[tokens.length];
            this.glob = new boolean[tokens.length];
            for (int i = 0; i < tokens.length; i++) {
                hashes[i] = tokens[i].hashCode();
                wildcard[i] = tokens[i].equals(W);
                glob[i] = !wildcard[i] && tokens[i].contains(W);
            }
        }
    }

    /** A tree node: an open-addressing table of constant branches, the wildcard branch, and leaf entries. */
    private static final class Node {
        String[] keys = new String[0];
        int[] keyHashes = new int[0];
        Node[] children = new Node[0];
        Node wildcard;
        Entry[] entries = new Entry[0];

        // Building only.
        Map<String, Node> building = new HashMap<>();
        List<Entry> buildingEntries = new ArrayList<>();

        Node child(String key) {
            return key.equals(W) ? (wildcard == null ? wildcard = new Node() : wildcard)
                    : building.computeIfAbsent(key, k -> new Node());
        }

        void seal() {
            int capacity = Integer.highestOneBit(Math.max(1, building.size()) * 2) * 2;
            keys = new String[capacity];
            keyHashes = new int[capacity];
            children = new Node[capacity];
            for (Map.Entry<String, Node> entry : building.entrySet()) {
                int hash = entry.getKey().hashCode();
                int slot = hash & (capacity - 1);
                while (keys[slot] != null) {
                    slot = (slot + 1) & (capacity - 1);
                }
                keys[slot] = entry.getKey();
                keyHashes[slot] = hash;
                children[slot] = entry.getValue();
                entry.getValue().seal();
            }
            if (wildcard != null) {
                wildcard.seal();
            }
            entries = buildingEntries.toArray(new Entry[0]);
            building = null;
            buildingEntries = null;
        }

        Node find(MaskedTokens tokens, int i) {
            int mask = keys.length - 1;
            int hash = tokens.hashes[i];
            for (int slot = hash & mask; keys[slot] != null; slot = (slot + 1) & mask) {
                if (keyHashes[slot] == hash && tokens.equalsText(i, keys[slot], hash)) {
                    return children[slot];
                }
            }
            return null;
        }
    }

    /**
     * @param prefixLevels tree levels below the length level
     * @param clusters active clusters: id, template id, tokens
     * @param templateOf template id per cluster id
     */
    FrozenIndex(int prefixLevels, List<Cluster> clusters, int[] templateOf) {
        this.prefixLevels = prefixLevels;
        this.templateOf = templateOf;
        int longest = 0;
        for (Cluster cluster : clusters) {
            longest = Math.max(longest, cluster.tokens.length);
        }
        Node[] built = new Node[longest + 1];
        for (Cluster cluster : clusters) {
            String[] tokens = cluster.tokens;
            Node node = built[tokens.length];
            if (node == null) {
                node = new Node();
                built[tokens.length] = node;
            }
            for (int level = 0; level < Math.min(prefixLevels, tokens.length); level++) {
                node = node.child(tokens[level].contains(W) ? W : tokens[level]);
            }
            node.buildingEntries.add(new Entry(cluster.id, tokens.clone()));
        }
        for (Node node : built) {
            if (node != null) {
                node.seal();
            }
        }
        this.roots = built;
    }

    /**
     * @param tokens a masked message
     * @return the template id of the best matching cluster, or {@link TemplateMiner#UNKNOWN}
     */
    int find(MaskedTokens tokens) {
        int n = tokens.count;
        if (n >= roots.length || roots[n] == null) {
            return TemplateMiner.UNKNOWN;
        }
        long best = search(roots[n], tokens, 0, Math.min(prefixLevels, n), Long.MIN_VALUE);
        return best == Long.MIN_VALUE ? TemplateMiner.UNKNOWN : templateOf[Integer.MAX_VALUE - (int) best];
    }

    /**
     * Returns the best cluster so far packed as (literal tokens, {@code Integer.MAX_VALUE - cluster id}) so that
     * one comparison prefers more literals, then the lower id; {@code Long.MIN_VALUE} when none.
     */
    private static long search(Node node, MaskedTokens tokens, int level, int levels, long best) {
        if (level == levels) {
            for (Entry entry : node.entries) {
                int literals = literals(entry, tokens);
                if (literals >= 0) {
                    long key = ((long) literals << 32) | (Integer.MAX_VALUE - entry.clusterId);
                    if (key > best) {
                        best = key;
                    }
                }
            }
            return best;
        }
        Node exact = node.find(tokens, level);
        if (exact != null) {
            best = search(exact, tokens, level + 1, levels, best);
        }
        if (node.wildcard != null) {
            best = search(node.wildcard, tokens, level + 1, levels, best);
        }
        return best;
    }

    /** Literal matches of an entry against the message, or -1 when a token does not match. */
    private static int literals(Entry entry, MaskedTokens tokens) {
        int literals = 0;
        String[] template = entry.tokens;
        for (int i = 0; i < template.length; i++) {
            if (entry.wildcard[i]) {
                continue;
            }
            if (tokens.equalsText(i, template[i], entry.hashes[i])) {
                literals++;
            } else if (!entry.glob[i] || !globMatches(template[i], tokens, i)) {
                return -1;
            }
        }
        return literals;
    }

    /** {@link Glob#matches} on a token of the buffer. */
    private static boolean globMatches(String template, MaskedTokens tokens, int i) {
        char[] chars = tokens.chars;
        int start = tokens.starts[i];
        int end = tokens.ends[i];
        int first = template.indexOf(W);
        int last = template.lastIndexOf(W);
        int prefix = first;
        int suffix = template.length() - last - W.length();
        if (end - start < prefix + suffix) {
            return false;
        }
        for (int k = 0; k < prefix; k++) {
            if (chars[start + k] != template.charAt(k)) {
                return false;
            }
        }
        for (int k = 0; k < suffix; k++) {
            if (chars[end - suffix + k] != template.charAt(last + W.length() + k)) {
                return false;
            }
        }
        int position = start + prefix;
        int limit = end - suffix;
        int from = first + W.length();
        while (from < last) {
            int next = template.indexOf(W, from);
            int partLength = next - from;
            int found = -1;
            for (int p = position; p + partLength <= limit; p++) {
                boolean same = true;
                for (int k = 0; k < partLength && same; k++) {
                    same = chars[p + k] == template.charAt(from + k);
                }
                if (same) {
                    found = p;
                    break;
                }
            }
            if (found < 0) {
                return false;
            }
            position = found + partLength;
            from = next + W.length();
        }
        return true;
    }
}
