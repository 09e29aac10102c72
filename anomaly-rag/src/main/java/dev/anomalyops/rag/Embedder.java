package dev.anomalyops.rag;

import java.util.List;

/**
 * Turns texts into unit-length vectors whose cosine similarity reflects meaning. Implementations are
 * thread-safe. The default is {@link dev.anomalyops.rag.embedding.MiniLmEmbedder} (all-MiniLM-L6-v2, 384
 * dimensions, in-process); implement this interface to plug in another model.
 */
public interface Embedder extends AutoCloseable {

    /** @return a short name of the model, recorded with stored vectors */
    String name();

    /** @return the length of every vector this embedder returns */
    int dimension();

    /**
     * Embeds texts, in batches where the model allows.
     *
     * @param texts non-blank texts
     * @return one unit-length vector per text, in the same order
     * @throws IllegalArgumentException when a text is blank
     */
    List<float[]> embedAll(List<String> texts);

    /**
     * @param text a non-blank text
     * @return its unit-length vector
     */
    default float[] embed(String text) {
        return embedAll(List.of(text)).get(0);
    }

    /** Releases the model. The default does nothing. */
    @Override
    default void close() {}
}
