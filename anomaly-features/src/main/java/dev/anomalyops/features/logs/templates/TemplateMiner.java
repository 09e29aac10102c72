package dev.anomalyops.features.logs.templates;

import dev.anomalyops.core.ConfigurationException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * An online log template miner of the Drain family: it turns each message into the id of its template
 * ({@code Received block <*> of size <*> from <*>}), learning new templates as messages stream in. The ids are
 * stable: once given, an id keeps meaning the same event, also after {@linkplain #save saving} and
 * {@linkplain #load loading}, so a model trained on last week's template counts still reads this week's.
 *
 * <p>How a message is matched:
 * <ol>
 *   <li>It is split on whitespace and {@linkplain Masking masked}: numbers, hex ids, paths, identifiers and
 *       dates become {@code <*>}.</li>
 *   <li>Drain's fixed-depth tree (token count, then the first {@code depth - 2} tokens, at most
 *       {@code maxChildren} branches per node) finds the templates that match every token; the most literal
 *       one wins.</li>
 *   <li>When none matches, the message starts a new template. The miner then looks at the templates of the
 *       same length whose similarity (share of matching tokens) is at least the
 *       {@linkplain Builder#similarityThreshold threshold} and that differ from the message in exactly one
 *       token. Unlike classic Drain it does not generalise that token at once: it counts the distinct values
 *       seen there and turns the position into {@code <*>} only after {@linkplain Builder#minDistinctValues
 *       enough distinct values}: 3, or 5 when one value holds 80% of the messages (an adaptive threshold: a
 *       dominant value is more likely a constant that tells events apart). That keeps enumerations such as
 *       {@code bytes}/{@code values} apart while user and host names merge. Tokens that already look variable
 *       (digits, a masked part) generalise after two values. A template always keeps at least two constant
 *       tokens.</li>
 *   <li>Templates that read the same once a run of repeated variable tokens is shown once
 *       ({@code <*> <*> <*>} and {@code <*>}; lists of block ids) share one id.</li>
 * </ol>
 * When templates merge, the oldest id survives; the others are listed in {@link Template#mergedIds()} and
 * {@link #templateId(int)} maps them to the surviving id.
 *
 * <pre>{@code
 * TemplateMiner miner = TemplateMiner.builder().build();
 * int id = miner.learn("Receiving block blk_-1608999687919862906 src: /10.250.19.102:54106");
 * miner.save(Path.of("templates.json"));
 * TemplateMatcher matcher = TemplateMiner.load(Path.of("templates.json")).freeze();   // thread-safe
 * int same = matcher.match("Receiving block blk_42 src: /10.0.0.1:50010");          // == id
 * }</pre>
 *
 * <p>Not thread-safe: call it from one thread or synchronise; {@link #freeze()} gives a thread-safe matcher.
 */
public final class TemplateMiner {
    /** Returned by {@link #match} when no template matches. */
    public static final int UNKNOWN = -1;

    private static final String W = Tokenizer.WILDCARD;
    /** Values seen for a position before a token that already looks variable becomes {@code <*>}. */
    private static final int WEAK_DISTINCT_VALUES = 2;
    /** A word replaced by a masked value at once only while its template has matched at most this many messages. */
    private static final long WEAK_WORD_MAX_SIZE = 3;

    private final double similarityThreshold;
    private final int depth;
    private final int maxChildren;
    private final int minDistinctValues;
    private final int minDistinctValuesDominated;
    private final double dominance;
    private final int maxTokens;
    private final int maxEvidence;
    private final Tokenizer tokenizer;

    private final PrefixTree tree;
    private final Map<Integer, List<Cluster>> byLength = new HashMap<>();
    private final List<Cluster> clusters = new ArrayList<>();
    private int[] parent = new int[64];
    private long[] groupCount = new long[64];
    private final Map<String, Cluster> canonical = new HashMap<>();
    private final LinkedHashMap<List<String>, Map<String, Long>> evidence;

    private TemplateMiner(Builder builder) {
        this.similarityThreshold = builder.similarityThreshold;
        this.depth = builder.depth;
        this.maxChildren = builder.maxChildren;
        this.minDistinctValues = builder.minDistinctValues;
        this.minDistinctValuesDominated = builder.minDistinctValuesDominated;
        this.dominance = builder.dominance;
        this.maxTokens = builder.maxTokens;
        this.maxEvidence = builder.maxEvidence;
        this.tokenizer = new Tokenizer(builder.masking);
        this.tree = new PrefixTree(depth - 2, maxChildren);
        int limit = maxEvidence;
        this.evidence = new LinkedHashMap<>(16, 0.75f, true) {
            private static final long serialVersionUID = 1L;

            @Override
            protected boolean removeEldestEntry(Map.Entry<List<String>, Map<String, Long>> eldest) {
                return size() > limit;
            }
        };
    }

    /** @return a builder with the defaults */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Matches a message and learns from it: counts it, creates a template when none matches, and may
     * generalise or merge templates.
     *
     * @param content the message (the part of the line after the header)
     * @return the id of its template, {@code >= 1}
     */
    public int learn(CharSequence content) {
        Objects.requireNonNull(content, "content");
        String[] tokens = limit(tokenizer.tokenize(content));
        Cluster match = tree.find(tokens);
        if (match != null) {
            match.size++;
            int id = find(match.id);
            groupCount[id]++;
            return id;
        }
        Cluster created = create(tokens);
        collectEvidence(created);
        return find(created.id);
    }

    /**
     * Matches a message without learning anything.
     *
     * @param content the message
     * @return the id of its template, or {@link #UNKNOWN}
     */
    public int match(CharSequence content) {
        Objects.requireNonNull(content, "content");
        String[] tokens = limit(tokenizer.tokenize(content));
        Cluster match = tree.find(tokens);
        if (match == null) {
            // A list of another length than any seen so far: same template when it reads the same.
            Cluster same = canonical.get(canonicalText(tokens));
            return same == null || !same.active ? UNKNOWN : find(same.id);
        }
        return find(match.id);
    }

    /**
     * @param id any template id this miner gave out, including ids that were merged into another
     * @return the id those messages get now
     * @throws IllegalArgumentException when the id was never given out
     */
    public int templateId(int id) {
        if (id < 1 || id > clusters.size()) {
            throw new IllegalArgumentException("Template id " + id + " is unknown (this miner gave out ids 1 to "
                    + clusters.size() + ")");
        }
        return find(id);
    }

    /**
     * @param id a template id
     * @return the template, empty when the id is unknown; a merged id gives the template it was merged into
     */
    public Optional<Template> template(int id) {
        if (id < 1 || id > clusters.size()) {
            return Optional.empty();
        }
        int root = find(id);
        for (Template template : templates()) {
            if (template.id() == root) {
                return Optional.of(template);
            }
        }
        return Optional.empty();
    }

    /** @return every current template, by id */
    public List<Template> templates() {
        int n = clusters.size();
        Map<Integer, Cluster> representative = new HashMap<>();
        Map<Integer, List<Integer>> merged = new HashMap<>();
        for (Cluster cluster : clusters) {
            int root = find(cluster.id);
            if (cluster.id != root) {
                merged.computeIfAbsent(root, k -> new ArrayList<>()).add(cluster.id);
            }
            if (cluster.active) {
                representative.putIfAbsent(root, cluster);
            }
        }
        List<Template> templates = new ArrayList<>();
        for (int id = 1; id <= n; id++) {
            if (find(id) != id) {
                continue;
            }
            Cluster shown = representative.get(id);
            String text = displayText(shown == null ? clusters.get(id - 1).tokens : shown.tokens);
            templates.add(new Template(id, text, groupCount[id], merged.getOrDefault(id, List.of())));
        }
        return templates;
    }

    /** @return the number of current templates */
    public int size() {
        int count = 0;
        for (int id = 1; id <= clusters.size(); id++) {
            if (find(id) == id) {
                count++;
            }
        }
        return count;
    }

    /** @return the highest id given out so far (0 when none) */
    public int maxId() {
        return clusters.size();
    }

    /**
     * @return a thread-safe, read-only matcher holding a copy of the current templates; later learning does
     *     not change it
     */
    public TemplateMatcher freeze() {
        int[] templateOf = new int[clusters.size() + 1];
        List<Cluster> active = new ArrayList<>();
        for (Cluster cluster : clusters) {
            templateOf[cluster.id] = find(cluster.id);
            if (cluster.active) {
                active.add(cluster);
            }
        }
        Map<String, Integer> byCanonicalText = new HashMap<>();
        for (Map.Entry<String, Cluster> entry : canonical.entrySet()) {
            Cluster cluster = entry.getValue();
            if (cluster.active && canonicalText(cluster.tokens).equals(entry.getKey())) {
                byCanonicalText.put(entry.getKey(), find(cluster.id));
            }
        }
        return new TemplateMatcher(tokenizer, new FrozenIndex(depth - 2, active, templateOf), byCanonicalText, maxTokens,
                templates());
    }

    /** @return the similarity threshold */
    public double similarityThreshold() {
        return similarityThreshold;
    }

    /** @return the tree depth */
    public int depth() {
        return depth;
    }

    /** @return the most children a tree node has */
    public int maxChildren() {
        return maxChildren;
    }

    /** @return distinct values a word position needs before it becomes {@code <*>} */
    public int minDistinctValues() {
        return minDistinctValues;
    }

    /** @return distinct values needed instead when one value dominates */
    public int minDistinctValuesDominated() {
        return minDistinctValuesDominated;
    }

    /** @return the share of messages one value must hold to dominate a position */
    public double dominance() {
        return dominance;
    }

    /** @return the most tokens of a message that are compared */
    public int maxTokens() {
        return maxTokens;
    }

    /** @return the most pending generalisations remembered */
    public int maxEvidence() {
        return maxEvidence;
    }

    /** @return the masking rules */
    public Masking masking() {
        return tokenizer.masking();
    }

    /**
     * Writes the miner's whole state (templates, ids, counts, pending generalisations, configuration) as JSON.
     *
     * @param out where to write; not closed
     * @throws IOException when writing fails
     */
    public void save(OutputStream out) throws IOException {
        MinerState.write(this, out);
    }

    /**
     * Writes the state to a file atomically: readers see the old file or the new one, never half of one.
     *
     * @param file the file
     * @throws dev.anomalyops.core.StorageException when the file cannot be written
     */
    public void save(Path file) {
        MinerState.write(this, file);
    }

    /**
     * @param in a state written by {@link #save(OutputStream)}; not closed
     * @return the miner, continuing where the saved one stopped
     * @throws dev.anomalyops.core.ModelLoadException when the state is unreadable, of another format or
     *     inconsistent
     */
    public static TemplateMiner load(InputStream in) {
        return MinerState.read(in, "stream");
    }

    /**
     * @param file a state written by {@link #save(Path)}
     * @return the miner
     * @throws dev.anomalyops.core.ModelLoadException when the file is missing, unreadable or inconsistent
     */
    public static TemplateMiner load(Path file) {
        return MinerState.read(file);
    }

    @Override
    public String toString() {
        return "TemplateMiner[" + size() + " templates, similarityThreshold=" + similarityThreshold + ", depth=" + depth
                + ", maxChildren=" + maxChildren + ", minDistinctValues=" + minDistinctValues + "]";
    }

    // ---------------------------------------------------------------- learning

    private String[] limit(String[] tokens) {
        if (tokens.length <= maxTokens) {
            return tokens;
        }
        String[] limited = Arrays.copyOf(tokens, maxTokens);
        limited[maxTokens - 1] = W;
        return limited;
    }

    private Cluster create(String[] tokens) {
        Cluster cluster = new Cluster(clusters.size() + 1, tokens);
        cluster.size = 1;
        register(cluster);
        groupCount[cluster.id] = 1;
        canonicalize(cluster);
        return cluster;
    }

    /** Adds a cluster to the index structures; its id is the next one. */
    void register(Cluster cluster) {
        clusters.add(cluster);
        ensureCapacity(cluster.id);
        parent[cluster.id] = cluster.id;
        if (cluster.active) {
            byLength.computeIfAbsent(cluster.tokens.length, k -> new ArrayList<>()).add(cluster);
            tree.add(cluster);
        }
    }

    private void ensureCapacity(int id) {
        if (id >= parent.length) {
            int capacity = Math.max(id + 1, parent.length * 2);
            parent = Arrays.copyOf(parent, capacity);
            groupCount = Arrays.copyOf(groupCount, capacity);
        }
    }

    private void collectEvidence(Cluster created) {
        String[] tokens = created.tokens;
        int n = tokens.length;
        if (n == 0) {
            return;
        }
        List<Cluster> candidates = new ArrayList<>(byLength.getOrDefault(n, List.of()));
        for (Cluster candidate : candidates) {
            if (candidate == created || !candidate.active) {
                continue;
            }
            String[] template = candidate.tokens;
            int matching = 0;
            int differing = -1;
            int differences = 0;
            for (int i = 0; i < n; i++) {
                if (Glob.matches(template[i], tokens[i])) {
                    matching++;
                } else {
                    differing = i;
                    differences++;
                }
            }
            if ((double) matching / n < similarityThreshold || differences != 1) {
                continue;
            }
            String[] generalised = generaliseToken(template[differing], tokens[differing]);
            String[] signature = template.clone();
            signature[differing] = generalised[0];
            if (!keepsEnoughConstants(signature)) {
                continue;
            }
            String before = generalised[1];
            String after = generalised[2];
            boolean weak = ((before.contains(W) || after.contains(W)) && candidate.size <= WEAK_WORD_MAX_SIZE)
                    || (looksVariable(before) && looksVariable(after));
            List<String> key = List.of(signature);
            Map<String, Long> values = evidence.computeIfAbsent(key, k -> new LinkedHashMap<>());
            values.merge(before, candidate.size, Math::max);
            values.merge(after, 1L, Math::max);
            if (values.size() >= (weak ? WEAK_DISTINCT_VALUES : distinctValuesNeeded(values))) {
                evidence.remove(key);
                generalise(signature);
                if (!created.active) {
                    break;
                }
            }
        }
    }

    /**
     * The adaptive part of the threshold: when one value accounts for most of the messages seen at a position
     * ({@code user=root} in 350 lines, {@code user=guest} in 17), the position is more likely a constant that
     * tells events apart than a variable, so more distinct values are needed.
     */
    private int distinctValuesNeeded(Map<String, Long> values) {
        long total = 0;
        long most = 0;
        for (long count : values.values()) {
            total += count;
            most = Math.max(most, count);
        }
        return most >= dominance * total ? minDistinctValuesDominated : minDistinctValues;
    }

    /**
     * A template keeps at least two tokens that are not bare {@code <*>} (all but one for messages of one or two
     * tokens). Without this floor a template made mostly of wildcards matches almost any message of its length,
     * and near-misses on it would generalise it step by step into {@code <*> <*> <*>}.
     */
    private static boolean keepsEnoughConstants(String[] signature) {
        int needed = Math.min(2, signature.length - 1);
        int constants = 0;
        for (String token : signature) {
            if (!token.equals(W) && ++constants >= needed) {
                return true;
            }
        }
        return constants >= needed;
    }

    private static boolean looksVariable(String part) {
        if (part.contains(W)) {
            return true;
        }
        for (int i = 0; i < part.length(); i++) {
            char c = part.charAt(i);
            if (c >= '0' && c <= '9') {
                return true;
            }
        }
        return false;
    }

    /**
     * Generalises two differing tokens, keeping their common prefix and suffix when these end on a
     * non-alphanumeric character ({@code user=root}, {@code user=ftp} give {@code user=<*>}).
     *
     * @return the generalised token, then the part of {@code a} and of {@code b} it replaces
     */
    static String[] generaliseToken(String a, String b) {
        if (a.equals(W) || b.equals(W)) {
            return new String[] {W, a, b};
        }
        int prefix = boundaryPrefix(a, 0, a.length(), b, 0, b.length(), true);
        int suffix = boundaryPrefix(a, prefix, a.length(), b, prefix, b.length(), false);
        String token = a.substring(0, prefix) + W + a.substring(a.length() - suffix);
        token = token.replace(W + W, W);
        return new String[] {token, a.substring(prefix, a.length() - suffix), b.substring(prefix, b.length() - suffix)};
    }

    /** Length of the common prefix (or suffix) of two ranges, cut back to an alphanumeric boundary. */
    private static int boundaryPrefix(String a, int aFrom, int aTo, String b, int bFrom, int bTo, boolean forward) {
        int aLength = aTo - aFrom;
        int bLength = bTo - bFrom;
        int n = 0;
        int max = Math.min(aLength, bLength);
        while (n < max && charAt(a, aFrom, aTo, n, forward) == charAt(b, bFrom, bTo, n, forward)) {
            n++;
        }
        while (n > 0 && isAlnum(charAt(a, aFrom, aTo, n - 1, forward))
                && ((n < aLength && isAlnum(charAt(a, aFrom, aTo, n, forward)))
                        || (n < bLength && isAlnum(charAt(b, bFrom, bTo, n, forward))))) {
            n--;
        }
        return n;
    }

    private static char charAt(String s, int from, int to, int index, boolean forward) {
        return forward ? s.charAt(from + index) : s.charAt(to - 1 - index);
    }

    private static boolean isAlnum(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    }

    /** Turns {@code signature} into a template: every cluster of its length that it matches joins the oldest. */
    private void generalise(String[] signature) {
        List<Cluster> sameLength = byLength.get(signature.length);
        if (sameLength == null) {
            return;
        }
        List<Cluster> members = new ArrayList<>();
        for (Cluster cluster : sameLength) {
            if (cluster.active && matchesAll(signature, cluster.tokens)) {
                members.add(cluster);
            }
        }
        if (members.isEmpty()) {
            return;
        }
        Cluster keep = members.get(0);
        for (Cluster member : members) {
            if (member.id < keep.id) {
                keep = member;
            }
        }
        tree.remove(keep);
        keep.tokens = signature;
        tree.add(keep);
        for (Cluster member : members) {
            if (member == keep) {
                continue;
            }
            tree.remove(member);
            sameLength.remove(member);
            member.active = false;
            member.absorbedInto = keep;
            keep.size += member.size;
            union(keep.id, member.id);
        }
        canonicalize(keep);
    }

    private static boolean matchesAll(String[] template, String[] tokens) {
        for (int i = 0; i < template.length; i++) {
            if (!Glob.matches(template[i], tokens[i])) {
                return false;
            }
        }
        return true;
    }

    /** Merges the template of {@code cluster} with any other whose canonical text is the same. */
    private void canonicalize(Cluster cluster) {
        String key = canonicalText(cluster.tokens);
        Cluster existing = canonical.get(key);
        if (existing == null || !existing.active || !canonicalText(existing.tokens).equals(key)) {
            canonical.put(key, cluster);
        } else if (existing != cluster) {
            union(existing.id, cluster.id);
        }
    }

    /** The displayed template: tokens joined by one space, a run of bare {@code <*>} tokens shown once. */
    static String displayText(String[] tokens) {
        StringBuilder text = new StringBuilder();
        boolean previousWildcard = false;
        for (String token : tokens) {
            boolean wildcard = token.equals(W);
            if (wildcard && previousWildcard) {
                continue;
            }
            if (text.length() > 0) {
                text.append(' ');
            }
            text.append(token);
            previousWildcard = wildcard;
        }
        return text.toString();
    }

    /**
     * The identity of a template across lengths: tokens joined by one space, a run of one repeated variable token
     * shown once (a list of ids of any length reads the same).
     */
    static String canonicalText(String[] tokens) {
        StringBuilder text = new StringBuilder();
        String previous = null;
        for (String token : tokens) {
            if (previous != null && token.equals(previous) && token.contains(W)) {
                continue;
            }
            if (previous != null) {
                text.append(' ');
            }
            text.append(token);
            previous = token;
        }
        return text.toString();
    }

    private int find(int id) {
        int root = id;
        while (parent[root] != root) {
            root = parent[root];
        }
        while (parent[id] != root) {
            int next = parent[id];
            parent[id] = root;
            id = next;
        }
        return root;
    }

    private void union(int a, int b) {
        int ra = find(a);
        int rb = find(b);
        if (ra == rb) {
            return;
        }
        int root = Math.min(ra, rb);
        int other = Math.max(ra, rb);
        parent[other] = root;
        groupCount[root] += groupCount[other];
        groupCount[other] = 0;
    }

    // ---------------------------------------------------------------- state access for MinerState

    List<Cluster> clusters() {
        return clusters;
    }

    int parentOf(int id) {
        return parent[id];
    }

    long groupCountOf(int id) {
        return groupCount[id];
    }

    LinkedHashMap<List<String>, Map<String, Long>> evidence() {
        return evidence;
    }

    /** Restores the union-find and counts after {@link #register} has added every cluster. */
    void restore(int[] parents, long[] counts) {
        for (int id = 1; id < parents.length; id++) {
            parent[id] = parents[id];
            groupCount[id] = counts[id];
        }
        for (Cluster cluster : clusters) {
            if (cluster.active) {
                canonical.putIfAbsent(canonicalText(cluster.tokens), cluster);
            }
        }
    }

    /** Configures a {@link TemplateMiner}. Not thread-safe. */
    public static final class Builder {
        private double similarityThreshold = 0.5;
        private int depth = 4;
        private int maxChildren = 100;
        private int minDistinctValues = 3;
        private int minDistinctValuesDominated = 5;
        private double dominance = 0.8;
        private int maxTokens = 256;
        private int maxEvidence = 100_000;
        private Masking masking = Masking.defaults();

        private Builder() {}

        /**
         * @param threshold share of a template's tokens a message must match, in (0, 1], before the differing
         *     token counts as a candidate variable; default 0.5
         * @return this builder
         */
        public Builder similarityThreshold(double threshold) {
            this.similarityThreshold = threshold;
            return this;
        }

        /**
         * @param depth tree depth as in Drain (root and length levels included), at least 3; default 4, i.e. the
         *     first two tokens index the templates
         * @return this builder
         */
        public Builder depth(int depth) {
            this.depth = depth;
            return this;
        }

        /**
         * @param maxChildren most branches of a tree node, the wildcard branch included, at least 2; default 100
         * @return this builder
         */
        public Builder maxChildren(int maxChildren) {
            this.maxChildren = maxChildren;
            return this;
        }

        /**
         * @param values distinct values a word position must show before it becomes {@code <*>}, at least 2;
         *     default 3
         * @return this builder
         */
        public Builder minDistinctValues(int values) {
            this.minDistinctValues = values;
            return this;
        }

        /**
         * @param values distinct values needed instead when one value holds at least the
         *     {@linkplain #dominance dominance} share of the messages, at least {@code minDistinctValues}; default 5
         * @return this builder
         */
        public Builder minDistinctValuesDominated(int values) {
            this.minDistinctValuesDominated = values;
            return this;
        }

        /**
         * @param share share of the messages at a position that one value must hold to dominate it, in (0, 1];
         *     default 0.8
         * @return this builder
         */
        public Builder dominance(double share) {
            this.dominance = share;
            return this;
        }

        /**
         * @param maxTokens tokens of a message that are compared, at least 2; the rest counts as one trailing
         *     {@code <*>}; default 256
         * @return this builder
         */
        public Builder maxTokens(int maxTokens) {
            this.maxTokens = maxTokens;
            return this;
        }

        /**
         * @param maxEvidence pending generalisations remembered (the least recently used are forgotten), at
         *     least 1; default 100,000
         * @return this builder
         */
        public Builder maxEvidence(int maxEvidence) {
            this.maxEvidence = maxEvidence;
            return this;
        }

        /**
         * @param masking the masking rules; default {@link Masking#defaults()}
         * @return this builder
         */
        public Builder masking(Masking masking) {
            this.masking = Objects.requireNonNull(masking, "masking");
            return this;
        }

        /**
         * @return the miner, empty
         * @throws ConfigurationException listing every invalid setting
         */
        public TemplateMiner build() {
            List<String> problems = new ArrayList<>();
            if (!(similarityThreshold > 0 && similarityThreshold <= 1)) {
                problems.add("similarityThreshold must be in (0, 1] but was " + similarityThreshold);
            }
            if (depth < 3) {
                problems.add("depth must be >= 3 but was " + depth);
            }
            if (maxChildren < 2) {
                problems.add("maxChildren must be >= 2 but was " + maxChildren);
            }
            if (minDistinctValues < 2) {
                problems.add("minDistinctValues must be >= 2 but was " + minDistinctValues);
            }
            if (minDistinctValuesDominated < minDistinctValues) {
                problems.add("minDistinctValuesDominated must be >= minDistinctValues (" + minDistinctValues + ") but was "
                        + minDistinctValuesDominated);
            }
            if (!(dominance > 0 && dominance <= 1)) {
                problems.add("dominance must be in (0, 1] but was " + dominance);
            }
            if (maxTokens < 2) {
                problems.add("maxTokens must be >= 2 but was " + maxTokens);
            }
            if (maxEvidence < 1) {
                problems.add("maxEvidence must be >= 1 but was " + maxEvidence);
            }
            if (!problems.isEmpty()) {
                throw new ConfigurationException(problems);
            }
            return new TemplateMiner(this);
        }
    }
}
