package dev.anomalyops.rag;

import java.util.List;
import java.util.Objects;

/**
 * Finds the past incidents most similar to an anomaly. {@link #of(Embedder, IncidentStore)} gives the
 * usual one: embed the anomaly's message, search the store.
 */
public interface Retriever {

    /**
     * @param anomaly the anomaly
     * @param search limit, minimum similarity and filters
     * @return the similar incidents, most similar first; empty when none is similar enough
     */
    List<SimilarIncident> retrieve(AnomalyContext anomaly, IncidentSearch search);

    /**
     * @param embedder embeds the anomaly's message; must have the store's dimension
     * @param store the incidents to search
     * @return a retriever that embeds then searches
     * @throws IllegalArgumentException when the dimensions differ
     */
    static Retriever of(Embedder embedder, IncidentStore store) {
        Objects.requireNonNull(embedder, "embedder");
        Objects.requireNonNull(store, "store");
        if (embedder.dimension() != store.dimension()) {
            throw new IllegalArgumentException("Embedder \"" + embedder.name() + "\" makes vectors of " + embedder.dimension()
                    + " dimensions but the incident store holds " + store.dimension());
        }
        return (anomaly, search) -> store.search(embedder.embed(anomaly.message()), search);
    }
}
