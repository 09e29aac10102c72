package dev.anomalyops.rag;

import java.util.Objects;

/**
 * A rendered prompt: a system message (the role) and a user message (facts and the request).
 *
 * @param system the system message
 * @param user the user message
 */
public record Prompt(String system, String user) {

    /** Checks both parts. */
    public Prompt {
        Objects.requireNonNull(system, "system");
        Objects.requireNonNull(user, "user");
    }

    /**
     * @return both parts as one text, for plain completion endpoints ({@code /v1/completions}), ending
     *     where the answer should start
     */
    public String asCompletionText() {
        return system + "\n\n" + user + "\n\nAnswer:\n";
    }
}
