package dev.anomalyops.rag;

/**
 * What an {@link IncidentStore#upsert} did.
 *
 * @param added incidents stored for the first time
 * @param duplicates incidents already stored with the same content hash (in the store or earlier in the
 *     same batch), left as they were
 */
public record UpsertResult(int added, int duplicates) {

    /** Checks the counts. */
    public UpsertResult {
        if (added < 0 || duplicates < 0) {
            throw new IllegalArgumentException("counts must not be negative but were " + added + " and " + duplicates);
        }
    }
}
