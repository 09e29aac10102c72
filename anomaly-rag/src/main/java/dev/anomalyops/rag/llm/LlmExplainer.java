package dev.anomalyops.rag.llm;

import dev.anomalyops.rag.AnomalyContext;
import dev.anomalyops.rag.Explainer;
import dev.anomalyops.rag.Explanation;
import dev.anomalyops.rag.ExplanationJson;
import dev.anomalyops.rag.Grounding;
import dev.anomalyops.rag.Prompt;
import dev.anomalyops.rag.PromptTemplate;
import dev.anomalyops.rag.SimilarIncident;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * An {@link Explainer} that asks a language model: renders the {@link PromptTemplate}, calls the
 * {@link OpenAiCompatibleClient} (streaming when a listener is given), and parses the answer into the four
 * sections, whether the server honoured the JSON schema (guided decoding) or answered in headed text. An
 * answer that cannot be parsed is asked for again (once by default) and then reported as a
 * {@link MalformedAnswerException}; {@link dev.anomalyops.rag.ExplanationService} then falls back to the
 * template explainer. Thread-safe.
 */
public final class LlmExplainer implements Explainer {
    private final OpenAiCompatibleClient client;
    private final PromptTemplate template;
    private final @Nullable Consumer<String> onText;
    private final int malformedRetries;

    /**
     * @param client the model client
     */
    public LlmExplainer(OpenAiCompatibleClient client) {
        this(client, PromptTemplate.defaults(), null, 1);
    }

    /**
     * @param client the model client
     * @param template the prompt template
     * @param onText when not null, the answer is streamed and each piece of text is handed here
     * @param malformedRetries extra attempts when an answer cannot be parsed, 0 to 5
     */
    public LlmExplainer(OpenAiCompatibleClient client, PromptTemplate template, @Nullable Consumer<String> onText,
            int malformedRetries) {
        this.client = Objects.requireNonNull(client, "client");
        this.template = Objects.requireNonNull(template, "template");
        this.onText = onText;
        if (malformedRetries < 0 || malformedRetries > 5) {
            throw new IllegalArgumentException("malformedRetries must be between 0 and 5 but was " + malformedRetries);
        }
        this.malformedRetries = malformedRetries;
    }

    @Override
    public String name() {
        return "llm:" + client.config().model();
    }

    @Override
    public Explanation explain(AnomalyContext anomaly, List<SimilarIncident> incidents) {
        boolean structured = client.config().structuredOutput() != LlmConfig.StructuredOutput.NONE;
        Prompt prompt = template.render(anomaly, incidents, structured);
        String schema = structured ? ExplanationJson.answerSchema() : null;
        MalformedAnswerException last = null;
        for (int attempt = 0; attempt <= malformedRetries; attempt++) {
            Completion completion = onText == null ? client.complete(prompt, schema) : client.stream(prompt, schema, onText);
            try {
                List<String> sections = AnswerParser.parse(completion.text());
                return new Explanation(anomaly.signature(), sections.get(0), sections.get(1), sections.get(2),
                        sections.get(3), name(), null, incidents, Grounding.unchecked());
            } catch (MalformedAnswerException e) {
                last = "length".equals(completion.finishReason())
                        ? new MalformedAnswerException(e.getMessage() + " (the answer was cut off at max_tokens "
                                + client.config().maxTokens() + ")")
                        : e;
            }
        }
        throw last;
    }
}
