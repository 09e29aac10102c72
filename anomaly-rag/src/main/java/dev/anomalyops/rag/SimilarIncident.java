package dev.anomalyops.rag;

import java.util.Objects;

/**
 * A past incident found similar to an anomaly.
 *
 * @param incident the incident
 * @param similarity cosine similarity of the two messages' embeddings, in [-1, 1]
 */
public record SimilarIncident(Incident incident, double similarity) {

    /** Checks the similarity range. */
    public SimilarIncident {
        Objects.requireNonNull(incident, "incident");
        if (!(similarity >= -1.0001 && similarity <= 1.0001)) {
            throw new IllegalArgumentException("similarity must be in [-1, 1] but was " + similarity);
        }
    }
}
