package dev.anomalyops.rag.evaluation;

import dev.anomalyops.rag.EmbeddedIncident;
import dev.anomalyops.rag.Embedder;
import dev.anomalyops.rag.Incident;
import dev.anomalyops.rag.IncidentSearch;
import dev.anomalyops.rag.SimilarIncident;

import dev.anomalyops.rag.store.EmbeddedIncidentStore;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;

/**
 * Measures how well an embedder finds related messages: labelled texts (for example log lines with their
 * event template) are split into an index and held-out queries; each query's {@code k} nearest neighbours
 * in the index are compared with its label. Reports precision@k, the precision random neighbours would
 * have (chance), and precision@k on queries whose exact text is not in the index. Deterministic for a seed.
 */
public final class RetrievalEvaluation {
    private RetrievalEvaluation() {}

    /**
     * A text with its true label.
     *
     * @param text the text
     * @param label its class (for log lines: the event template id)
     */
    public record Labelled(String text, String label) {
        /** Checks both. */
        public Labelled {
            Objects.requireNonNull(text, "text");
            Objects.requireNonNull(label, "label");
        }
    }

    /**
     * The outcome.
     *
     * @param k neighbours per query
     * @param indexed texts in the index
     * @param queries held-out queries
     * @param precisionAtK share of the k neighbours that share the query's label, averaged over queries
     * @param chance the same share for neighbours drawn at random from the index
     * @param unseenQueries queries whose exact text is not in the index
     * @param precisionAtKUnseen precision@k over those queries only
     * @param embeddingsPerSecond texts embedded per second during the evaluation
     */
    public record Result(int k, int indexed, int queries, double precisionAtK, double chance, int unseenQueries,
            double precisionAtKUnseen, double embeddingsPerSecond) {}

    /**
     * @param data labelled texts
     * @param embedder the embedder to evaluate
     * @param queryFraction share of the texts held out as queries, in (0, 1)
     * @param k neighbours per query
     * @param seed shuffling seed
     * @return the measures
     */
    public static Result evaluate(List<Labelled> data, Embedder embedder, double queryFraction, int k, long seed) {
        long start = System.nanoTime();
        List<float[]> vectors = embedder.embedAll(data.stream().map(Labelled::text).toList());
        double seconds = (System.nanoTime() - start) / 1e9;
        Result r = evaluate(data, vectors, queryFraction, k, seed);
        return new Result(r.k(), r.indexed(), r.queries(), r.precisionAtK(), r.chance(), r.unseenQueries(),
                r.precisionAtKUnseen(), data.size() / Math.max(seconds, 1e-9));
    }

    /**
     * The same evaluation on vectors computed beforehand ({@code embeddingsPerSecond} is NaN).
     *
     * @param data labelled texts
     * @param vectors their embeddings, in the same order
     * @param queryFraction share of the texts held out as queries, in (0, 1)
     * @param k neighbours per query
     * @param seed shuffling seed
     * @return the measures
     */
    public static Result evaluate(List<Labelled> data, List<float[]> vectors, double queryFraction, int k, long seed) {
        if (!(queryFraction > 0 && queryFraction < 1)) {
            throw new IllegalArgumentException("queryFraction must be in (0, 1) but was " + queryFraction);
        }
        if (vectors.size() != data.size() || data.isEmpty()) {
            throw new IllegalArgumentException("expected one vector per text but got " + vectors.size() + " for " + data.size());
        }
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < data.size(); i++) {
            order.add(i);
        }
        Collections.shuffle(order, new Random(seed));
        int queryCount = (int) Math.round(order.size() * queryFraction);
        List<Labelled> queries = new ArrayList<>();
        List<float[]> queryVectors = new ArrayList<>();
        List<Labelled> indexed = new ArrayList<>();
        List<float[]> indexVectors = new ArrayList<>();
        for (int i = 0; i < order.size(); i++) {
            int row = order.get(i);
            (i < queryCount ? queries : indexed).add(data.get(row));
            (i < queryCount ? queryVectors : indexVectors).add(vectors.get(row));
        }
        // Every occurrence is indexed, as the incident store keeps repeats that happened at different times
        // (the content hash includes the time).
        java.util.Set<String> indexedTexts = new java.util.HashSet<>();
        indexed.forEach(l -> indexedTexts.add(l.text()));
        Map<String, Integer> labelCounts = new HashMap<>();
        indexed.forEach(l -> labelCounts.merge(l.label(), 1, Integer::sum));
        double seconds = Double.NaN;
        int dimension = vectors.get(0).length;

        Instant t0 = Instant.EPOCH;
        try (EmbeddedIncidentStore store = EmbeddedIncidentStore.inMemory(dimension)) {
            List<EmbeddedIncident> rows = new ArrayList<>();
            Map<String, String> labelById = new HashMap<>();
            for (int i = 0; i < indexed.size(); i++) {
                String id = "i" + i;
                labelById.put(id, indexed.get(i).label());
                rows.add(new EmbeddedIncident(Incident.builder(indexed.get(i).text(), t0.plusSeconds(i)).id(id).build(),
                        indexVectors.get(i)));
            }
            store.upsert(rows);
            IncidentSearch search = IncidentSearch.builder().limit(k).minSimilarity(-1).build();
            double sum = 0;
            double chance = 0;
            double unseenSum = 0;
            int unseen = 0;
            for (int q = 0; q < queries.size(); q++) {
                String label = queries.get(q).label();
                List<SimilarIncident> hits = store.search(queryVectors.get(q), search);
                long same = hits.stream().filter(h -> label.equals(labelById.get(h.incident().id()))).count();
                double precision = (double) same / k;
                sum += precision;
                chance += (double) labelCounts.getOrDefault(label, 0) / Math.max(1, indexed.size());
                if (!indexedTexts.contains(queries.get(q).text())) {
                    unseen++;
                    unseenSum += precision;
                }
            }
            int n = Math.max(1, queries.size());
            return new Result(k, indexed.size(), queries.size(), sum / n, chance / n, unseen,
                    unseen == 0 ? Double.NaN : unseenSum / unseen, seconds);
        }
    }
}
