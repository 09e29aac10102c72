/**
 * Measuring retrieval quality on labelled data:
 * {@link dev.anomalyops.rag.evaluation.RetrievalEvaluation} (precision@k against chance).
 */
@NullMarked
package dev.anomalyops.rag.evaluation;

import org.jspecify.annotations.NullMarked;
