package dev.anomalyops.rag.llm;

import dev.anomalyops.core.RetriableException;

/**
 * The language model answered, but not in the requested form (invalid JSON, missing sections, cut off at
 * the token limit). Retriable: at a non-zero temperature another sample may well be fine.
 */
public class MalformedAnswerException extends RetriableException {
    private static final long serialVersionUID = 1L;

    /** @param message what was wrong with the answer */
    public MalformedAnswerException(String message) {
        super(message);
    }
}
