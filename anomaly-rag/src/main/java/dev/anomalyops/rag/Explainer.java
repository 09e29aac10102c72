package dev.anomalyops.rag;

import java.util.List;

/**
 * Writes an {@link Explanation} for an anomaly from the similar incidents retrieved for it. Two ship: the
 * deterministic {@link TemplateExplainer} and {@link dev.anomalyops.rag.llm.LlmExplainer} (an
 * OpenAI-compatible server such as vLLM). Implementations are thread-safe; grounding is checked by the
 * caller ({@link ExplanationService}), so they return {@link Grounding#unchecked()}.
 */
public interface Explainer {

    /** @return the generator name written into explanations ({@code template}, {@code llm:<model>}) */
    String name();

    /**
     * @param anomaly the anomaly to explain
     * @param incidents similar past incidents, most similar first; may be empty
     * @return the explanation
     * @throws dev.anomalyops.core.RetriableException when a remote model is temporarily unavailable
     * @throws dev.anomalyops.core.NonRetriableException when a remote model refuses the request
     */
    Explanation explain(AnomalyContext anomaly, List<SimilarIncident> incidents);
}
