/**
 * The embedded incident store: exact cosine search in process memory, persisted to one append-only file.
 * No server; the default when Qdrant is not configured.
 */
@NullMarked
package dev.anomalyops.rag.store;

import org.jspecify.annotations.NullMarked;
