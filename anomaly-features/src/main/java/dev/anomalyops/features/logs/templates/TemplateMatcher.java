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
    private final FrozenIndex index;
    private final Map<String, Integer> byCanonicalText;
    private final int maxTokens;
    private final List<Template> templates;
    private final Map<Integer, Template> byId;

    TemplateMatcher(Tokenizer tokenizer, FrozenIndex index, Map<String, Integer> byCanonicalText, int maxTokens,
            List<Template> templates) {
        this.tokenizer = tokenizer;
        this.index = index;
        this.byCanonicalText = Map.copyOf(byCanonicalText);
        this.maxTokens = maxTokens;
        this.templates = List.copyOf(templates);
        Map<Integer, Template> ids = new HashMap<>();
        for (Template template : this.templates) {
            ids.put(template.id(), template);
            for (int merged : template.mergedIds()) {
                ids.put(merged, template);
            }
        }
        this.byId = ids;
    }

    /**
     * @param content a message
     * @return the id of its template, or {@link TemplateMiner#UNKNOWN}
     */
    public int match(CharSequence content) {
        Objects.requireNonNull(content, "content");
        MaskedTokens tokens = tokenizer.tokenizeReused(content);
        tokens.limit(maxTokens);
        int id = index.find(tokens);
        if (id == TemplateMiner.UNKNOWN) {
            Integer same = byCanonicalText.get(TemplateMiner.canonicalText(tokens.toArray()));
            return same == null ? TemplateMiner.UNKNOWN : same;
        }
        return id;
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
