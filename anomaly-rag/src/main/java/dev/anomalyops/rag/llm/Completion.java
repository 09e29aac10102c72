package dev.anomalyops.rag.llm;

import java.time.Duration;
import java.util.Objects;

/**
 * A language model's answer.
 *
 * @param text the generated text (for streams, the concatenated deltas)
 * @param finishReason why generation stopped ({@code stop}, {@code length}…)
 * @param promptTokens tokens in the prompt, as the server counted them (0 when not reported)
 * @param completionTokens tokens generated, as the server counted them (for streams without usage: the
 *     number of content events)
 * @param model the model that answered
 * @param elapsed time from sending the request to the end of the answer
 */
public record Completion(String text, String finishReason, int promptTokens, int completionTokens, String model,
        Duration elapsed) {

    /** Checks the fields. */
    public Completion {
        Objects.requireNonNull(text, "text");
        Objects.requireNonNull(finishReason, "finishReason");
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(elapsed, "elapsed");
    }
}
