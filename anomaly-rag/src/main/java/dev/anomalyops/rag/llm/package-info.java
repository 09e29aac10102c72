/**
 * Explanations written by a language model behind an OpenAI-compatible HTTP API (vLLM, OpenAI, and
 * others): {@link dev.anomalyops.rag.llm.OpenAiCompatibleClient}, its {@link dev.anomalyops.rag.llm.LlmConfig},
 * and {@link dev.anomalyops.rag.llm.LlmExplainer}.
 */
@NullMarked
package dev.anomalyops.rag.llm;

import org.jspecify.annotations.NullMarked;
