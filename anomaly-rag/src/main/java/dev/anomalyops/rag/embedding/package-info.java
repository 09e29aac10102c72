/** Embedding models: {@link dev.anomalyops.rag.embedding.MiniLmEmbedder} (all-MiniLM-L6-v2, in-process). */
@NullMarked
package dev.anomalyops.rag.embedding;

import org.jspecify.annotations.NullMarked;
