package dev.anomalyops.rag;

import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The grounding verdict on one sentence of an explanation.
 *
 * @param section the section it belongs to ({@code root_cause_analysis}, {@code impact_assessment},
 *     {@code recommended_actions} or {@code prevention_steps})
 * @param sentence the sentence
 * @param supported true when the sources back it: similar enough in meaning or wording to one source, and
 *     every number and identifier in it appears in the sources
 * @param similarity the highest embedding cosine similarity with a source, or NaN when the wording alone
 *     already backed it (no embedding was needed)
 * @param overlap the largest share of the sentence's content words found in one source, in [0, 1]
 * @param unsupportedTerms numbers and identifiers in the sentence that appear in no source
 * @param source the label of the best-matching source ({@code anomaly}, {@code incident INC-12}…), or null
 */
public record SentenceCheck(
        String section,
        String sentence,
        boolean supported,
        double similarity,
        double overlap,
        List<String> unsupportedTerms,
        @Nullable String source) {

    /** Copies the list. */
    public SentenceCheck {
        Objects.requireNonNull(section, "section");
        Objects.requireNonNull(sentence, "sentence");
        unsupportedTerms = List.copyOf(unsupportedTerms);
    }
}
