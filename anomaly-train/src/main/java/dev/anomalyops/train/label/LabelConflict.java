package dev.anomalyops.train.label;

import java.util.List;
import java.util.Objects;

/**
 * Labels with authority (human or imported) that disagree about one row. Nothing is overwritten: the store
 * keeps every label, and {@link #chosen()} says which one {@link LabelStore#effective()} uses.
 *
 * @param id the row id
 * @param labels every human or imported label for it, in the order they were stored
 * @param chosen the label in effect: the latest from the most authoritative source
 */
public record LabelConflict(String id, List<Label> labels, Label chosen) {
    /** Copies the list. */
    public LabelConflict {
        Objects.requireNonNull(id, "id");
        labels = List.copyOf(labels);
        Objects.requireNonNull(chosen, "chosen");
    }

    @Override
    public String toString() {
        StringBuilder text = new StringBuilder("Row \"" + id + "\" has conflicting labels:");
        for (Label label : labels) {
            text.append(' ').append(label.value()).append(" by ").append(label.author()).append(" (")
                    .append(label.source().wireName()).append(", ").append(label.at()).append(");");
        }
        return text.append(" using ").append(chosen.value()).append(" by ").append(chosen.author()).toString();
    }
}
