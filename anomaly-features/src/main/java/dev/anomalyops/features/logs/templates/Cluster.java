package dev.anomalyops.features.logs.templates;

import org.jspecify.annotations.Nullable;

/**
 * One node of the miner's index: a token sequence of fixed length with {@code <*>} where messages differ.
 * Several clusters can share one template id (after a merge); the id of the cluster itself never changes.
 */
final class Cluster {
    final int id;
    String[] tokens;
    /** Messages matched by this cluster, those of clusters absorbed into it included. */
    long size;
    boolean active = true;
    @Nullable Cluster absorbedInto;
    PrefixTree.@Nullable Node leaf;

    Cluster(int id, String[] tokens) {
        this.id = id;
        this.tokens = tokens;
    }
}
