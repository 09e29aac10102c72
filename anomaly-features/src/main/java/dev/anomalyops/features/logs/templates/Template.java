package dev.anomalyops.features.logs.templates;

import java.util.List;
import java.util.Objects;

/**
 * One message template: its stable id, its text with {@code <*>} for the variable parts, and how many
 * messages it has matched.
 *
 * @param id the template id; it never changes, and a model's feature columns refer to it
 * @param text the template, tokens separated by one space, a run of bare {@code <*>} tokens shown once
 * @param count messages learnt into this template, merged templates included
 * @param mergedIds ids of templates that were merged into this one (their messages now get {@code id}),
 *     ascending; empty when none
 */
public record Template(int id, String text, long count, List<Integer> mergedIds) {

    /** Validates and copies. */
    public Template {
        if (id < 1) {
            throw new IllegalArgumentException("Template id must be >= 1 but was " + id);
        }
        Objects.requireNonNull(text, "text");
        if (count < 0) {
            throw new IllegalArgumentException("count must be >= 0 but was " + count);
        }
        mergedIds = List.copyOf(mergedIds);
    }
}
