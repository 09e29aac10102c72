package dev.anomalyops.rag;

import java.util.List;

/**
 * How well an explanation is backed by its sources (the anomaly and the retrieved incidents).
 *
 * @param checked false when no check was run (then {@code score} is NaN and {@code sentences} is empty)
 * @param score the share of sentences the sources support, in [0, 1]
 * @param sentences the verdict on every sentence, in order
 */
public record Grounding(boolean checked, double score, List<SentenceCheck> sentences) {
    private static final Grounding UNCHECKED = new Grounding(false, Double.NaN, List.of());

    /** Copies the list and checks the score. */
    public Grounding {
        sentences = List.copyOf(sentences);
        if (checked && !(score >= 0.0 && score <= 1.0)) {
            throw new IllegalArgumentException("score must be in [0, 1] but was " + score);
        }
    }

    /** @return the value of an explanation nobody has checked yet */
    public static Grounding unchecked() {
        return UNCHECKED;
    }

    /**
     * @param sentences verdicts on every sentence
     * @return the grounding with score = supported sentences / all sentences (1 for no sentences)
     */
    public static Grounding of(List<SentenceCheck> sentences) {
        long supported = sentences.stream().filter(SentenceCheck::supported).count();
        return new Grounding(true, sentences.isEmpty() ? 1.0 : (double) supported / sentences.size(), sentences);
    }

    /** @return the sentences the sources do not support */
    public List<SentenceCheck> flagged() {
        return sentences.stream().filter(s -> !s.supported()).toList();
    }
}
