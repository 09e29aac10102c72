package dev.anomalyops.features.logs.templates;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A read-only snapshot of a {@link TemplateMiner}: maps messages to the template ids the miner had when
 * {@link TemplateMiner#freeze()} was called, and learns nothing. This is what a scoring service uses, so that
 * the ids (the model's feature columns) cannot move under it. A message no template matches gets
 * {@link TemplateMiner#UNKNOWN}.
 *
 * <p>Immutable and thread-safe.
 */
public final class TemplateMatcher {
    private final Tokenizer tokenizer;
    private final PrefixTree tree;
    private final int[] templateOf;
    private final Map<String, Integer> byCanonicalText;
    private final int maxTokens;
    private final List<Template> templates;
    private final Map<Integer, Template> byId;

    TemplateMatcher(Tokenizer tokenizer, PrefixTree tree, int[] templateOf, Map<String, Integer> byCanonicalText,
            int maxTokens, List<Template> templates) {
        this.tokenizer = tokenizer;
        this.tree = tree;
        this.templateOf = templateOf;
        this.byCanonicalText = Map.copyOf(byCanonicalText);
        this.maxTokens = maxTokens;
        this.templates = List.copyOf(templates);
        Map<Integer, Template> index = new HashMap<>();
        for (Template template : this.templates) {
            index.put(template.id(), template);
            for (int merged : template.mergedIds()) {
                index.put(merged, template);
            }
        }
        this.byId = index;
    }

    /**
     * @param content a message
     * @return the id of its template, or {@link TemplateMiner#UNKNOWN}
     */
    public int match(CharSequence content) {
        Objects.requireNonNull(content, "content");
        String[] tokens = tokenizer.tokenize(content);
        if (tokens.length > maxTokens) {
            String[] limited = java.util.Arrays.copyOf(tokens, maxTokens);
            limited[maxTokens - 1] = Tokenizer.WILDCARD;
            tokens = limited;
        }
        Cluster cluster = tree.find(tokens);
        if (cluster == null) {
            Integer same = byCanonicalText.get(TemplateMiner.canonicalText(tokens));
            return same == null ? TemplateMiner.UNKNOWN : same;
        }
        return templateOf[cluster.id];
    }

    /** @return the templates of the snapshot, by id */
    public List<Template> templates() {
        return templates;
    }

    /**
     * @param id a template id, merged ids included
     * @return its template, empty when unknown
     */
    public Optional<Template> template(int id) {
        return Optional.ofNullable(byId.get(id));
    }

    @Override
    public String toString() {
        return "TemplateMatcher[" + templates.size() + " templates]";
    }
}
