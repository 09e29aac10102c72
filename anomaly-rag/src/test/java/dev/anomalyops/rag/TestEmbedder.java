package dev.anomalyops.rag;

import dev.anomalyops.rag.embedding.MiniLmEmbedder;

/** One all-MiniLM-L6-v2 embedder for all tests in the JVM (loading it takes seconds), cached. */
public final class TestEmbedder {
    private static Embedder instance;

    private TestEmbedder() {}

    /** @return the shared, caching embedder */
    public static synchronized Embedder get() {
        if (instance == null) {
            instance = Embedders.cached(MiniLmEmbedder.create(), 10_000);
        }
        return instance;
    }
}
