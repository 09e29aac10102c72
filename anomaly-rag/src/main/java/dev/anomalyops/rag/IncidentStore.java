package dev.anomalyops.rag;

import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.Optional;

/**
 * Past incidents with the embeddings of their messages, searchable by cosine similarity. Incidents are
 * keyed by {@link Incident#contentHash()}: storing one that is already there is a no-op reported as a
 * duplicate. Implementations are thread-safe.
 *
 * <p>Two implementations ship: {@link dev.anomalyops.rag.store.EmbeddedIncidentStore} (in-process, exact
 * search, persisted to one file, no server) and {@link dev.anomalyops.rag.qdrant.QdrantIncidentStore}
 * (a Qdrant collection over gRPC). Both pass the same contract tests.
 */
public interface IncidentStore extends AutoCloseable {

    /** @return the vector length this store holds */
    int dimension();

    /**
     * Stores incidents not yet present; skips those whose content hash is already stored.
     *
     * @param incidents incidents with vectors of {@link #dimension()} components
     * @return how many were added and how many were duplicates
     * @throws IllegalArgumentException when a vector has the wrong length
     * @throws dev.anomalyops.core.StorageException when the store cannot be written
     * @throws dev.anomalyops.core.RetriableException when a remote store is temporarily unavailable
     */
    UpsertResult upsert(List<EmbeddedIncident> incidents);

    /**
     * Finds the incidents most similar to a vector, most similar first.
     *
     * @param vector the query embedding, {@link #dimension()} components (need not be unit length)
     * @param search limit, minimum similarity and filters
     * @return at most {@code search.limit()} incidents, each at least {@code search.minSimilarity()} similar
     * @throws IllegalArgumentException when the vector has the wrong length
     * @throws dev.anomalyops.core.RetriableException when a remote store is temporarily unavailable
     */
    List<SimilarIncident> search(float[] vector, IncidentSearch search);

    /**
     * @param contentHash an incident's content hash
     * @return the incident, if stored
     */
    Optional<Incident> get(String contentHash);

    /**
     * @param contentHashes content hashes
     * @return those already stored (ingestion skips embedding them); the default asks {@link #get} for each
     */
    default Set<String> existing(Collection<String> contentHashes) {
        Set<String> out = new HashSet<>();
        for (String hash : contentHashes) {
            if (get(hash).isPresent()) {
                out.add(hash);
            }
        }
        return out;
    }

    /**
     * @param contentHash an incident's content hash
     * @return true when it was stored and is now removed
     */
    boolean delete(String contentHash);

    /** @return the number of incidents stored */
    long count();

    /** Releases files or connections. Idempotent. */
    @Override
    void close();
}
