/**
 * Explanations for detected anomalies, built from similar past incidents.
 *
 * <p>The pieces: an {@link dev.anomalyops.rag.Embedder} turns log messages into vectors; an
 * {@link dev.anomalyops.rag.IncidentStore} holds past incidents and finds the ones most similar to a new
 * anomaly; a {@link dev.anomalyops.rag.Retriever} does both for an {@link dev.anomalyops.rag.AnomalyContext};
 * an {@link dev.anomalyops.rag.Explainer} writes the four sections of an
 * {@link dev.anomalyops.rag.Explanation} (a language model in {@code dev.anomalyops.rag.llm}, or the
 * deterministic {@link dev.anomalyops.rag.TemplateExplainer}); a {@link dev.anomalyops.rag.GroundingChecker}
 * checks every sentence against the sources; {@link dev.anomalyops.rag.ExplanationService} runs it all
 * asynchronously with a cache, so scoring never waits for an explanation.
 */
@NullMarked
package dev.anomalyops.rag;

import org.jspecify.annotations.NullMarked;
