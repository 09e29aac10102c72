package dev.anomalyops.rag;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.anomalyops.rag.internal.Vectors;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The behaviour every {@link IncidentStore} must have. An implementation's test extends this class and
 * supplies {@link #createStore(int)}; both the embedded store and the Qdrant store run it.
 */
public abstract class IncidentStoreContract {
    protected static final int DIM = 8;
    protected static final Instant T0 = Instant.parse("2025-03-01T10:00:00Z");

    protected IncidentStore store;

    /**
     * @param dimension the vector length
     * @return a new, empty store
     */
    protected abstract IncidentStore createStore(int dimension) throws Exception;

    @BeforeEach
    void open() throws Exception {
        store = createStore(DIM);
    }

    @AfterEach
    void closeStore() {
        store.close();
    }

    protected static float[] axis(int i, float noise, long seed) {
        Random random = new Random(seed);
        float[] v = new float[DIM];
        for (int d = 0; d < DIM; d++) {
            v[d] = noise * (float) random.nextGaussian();
        }
        v[i] += 1f;
        return v;
    }

    protected static Incident incident(String id, String message, String service, Instant at) {
        return Incident.builder(message, at).id(id).service(service).severity("High")
                .rootCause("cause of " + id).resolution("fix for " + id).resolvedAt(at.plusSeconds(600)).build();
    }

    private List<EmbeddedIncident> corpus() {
        List<EmbeddedIncident> out = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            String service = i % 2 == 0 ? "payments" : "search";
            out.add(new EmbeddedIncident(incident("INC-" + i, "message " + i, service, T0.plusSeconds(3600L * i)),
                    axis(0, 0.05f * (i + 1), i)));
        }
        for (int i = 12; i < 20; i++) {
            out.add(new EmbeddedIncident(incident("INC-" + i, "other " + i, "payments", T0.plusSeconds(3600L * i)),
                    axis(1 + i % 7, 0.05f, i)));
        }
        return out;
    }

    @Test
    void findsTheMostSimilarFirstWithTheirCosineSimilarity() {
        List<EmbeddedIncident> corpus = corpus();
        assertThat(store.upsert(corpus)).isEqualTo(new UpsertResult(20, 0));
        assertThat(store.count()).isEqualTo(20);

        float[] query = axis(0, 0f, 99);
        List<SimilarIncident> hits = store.search(query, IncidentSearch.defaults());
        assertThat(hits).hasSize(5);
        for (int i = 1; i < hits.size(); i++) {
            assertThat(hits.get(i).similarity()).isLessThanOrEqualTo(hits.get(i - 1).similarity());
        }
        for (SimilarIncident hit : hits) {
            EmbeddedIncident source = corpus.stream().filter(e -> e.incident().id().equals(hit.incident().id())).findFirst().orElseThrow();
            float expected = Vectors.cosine(Vectors.normalized(source.vector()), Vectors.normalized(query));
            assertThat(hit.similarity()).isCloseTo(expected, within(1e-4));
        }
        // The least noisy copies of axis 0 are INC-0, INC-1, ...: the top hit is the cleanest one.
        assertThat(hits.get(0).incident().id()).isEqualTo("INC-0");
    }

    @Test
    void appliesTheMinimumSimilarityAndTheLimit() {
        store.upsert(corpus());
        float[] query = axis(0, 0f, 99);
        List<SimilarIncident> all = store.search(query, IncidentSearch.builder().limit(50).minSimilarity(-1).build());
        assertThat(all).hasSize(20);
        List<SimilarIncident> strict = store.search(query, IncidentSearch.builder().limit(50).minSimilarity(0.9).build());
        assertThat(strict).isNotEmpty().allSatisfy(h -> assertThat(h.similarity()).isGreaterThanOrEqualTo(0.9 - 1e-6));
        long expected = all.stream().filter(h -> h.similarity() >= 0.9).count();
        assertThat(strict).hasSize((int) expected);
        assertThat(store.search(query, IncidentSearch.builder().limit(2).minSimilarity(-1).build())).hasSize(2);
        // Nothing similar enough: nothing returned.
        float[] unrelated = new float[DIM];
        unrelated[1] = 1;
        unrelated[2] = -1;
        assertThat(store.search(unrelated, IncidentSearch.builder().minSimilarity(0.99).build())).isEmpty();
    }

    @Test
    void queryVectorsNeedNotBeUnitLength() {
        store.upsert(corpus());
        float[] query = axis(0, 0f, 99);
        float[] scaled = query.clone();
        for (int i = 0; i < scaled.length; i++) {
            scaled[i] *= 7.5f;
        }
        assertThat(store.search(scaled, IncidentSearch.defaults()))
                .extracting(h -> h.incident().id())
                .containsExactlyElementsOf(store.search(query, IncidentSearch.defaults()).stream().map(h -> h.incident().id()).toList());
    }

    @Test
    void filtersByServiceAndTime() {
        store.upsert(corpus());
        float[] query = axis(0, 0f, 99);
        IncidentSearch search = IncidentSearch.builder().limit(50).minSimilarity(0.5).service("search").build();
        assertThat(store.search(query, search)).isNotEmpty()
                .allSatisfy(h -> assertThat(h.incident().service()).isEqualTo("search"));
        assertThat(store.search(query, search.toBuilder().service("nope").build())).isEmpty();

        Instant from = T0.plusSeconds(3600L * 4);
        Instant until = T0.plusSeconds(3600L * 8);
        List<SimilarIncident> window = store.search(query, IncidentSearch.builder().limit(50).minSimilarity(-1)
                .occurredBetween(from, until).build());
        assertThat(window).extracting(h -> h.incident().id())
                .containsExactlyInAnyOrder("INC-4", "INC-5", "INC-6", "INC-7");
        List<SimilarIncident> both = store.search(query, IncidentSearch.builder().limit(50).minSimilarity(-1)
                .occurredBetween(from, until).service("payments").build());
        assertThat(both).extracting(h -> h.incident().id()).containsExactlyInAnyOrder("INC-4", "INC-6");
    }

    @Test
    void deduplicatesByContentHash() {
        List<EmbeddedIncident> corpus = corpus();
        store.upsert(corpus.subList(0, 10));
        List<EmbeddedIncident> again = new ArrayList<>(corpus);
        again.add(corpus.get(15)); // a duplicate inside the batch too
        UpsertResult result = store.upsert(again);
        assertThat(result).isEqualTo(new UpsertResult(10, 11));
        assertThat(store.count()).isEqualTo(20);

        // Same content under another source id is the same incident; changed content is a new one.
        Incident original = corpus.get(0).incident();
        Incident copy = Incident.builder(original.message(), original.occurredAt()).id("OTHER-ID")
                .service(original.service()).severity(original.severity()).rootCause(original.rootCause())
                .resolution(original.resolution()).resolvedAt(original.resolvedAt()).build();
        assertThat(copy.contentHash()).isEqualTo(original.contentHash());
        assertThat(store.upsert(List.of(new EmbeddedIncident(copy, axis(0, 0, 1))))).isEqualTo(new UpsertResult(0, 1));
        Incident changed = Incident.builder(original.message(), original.occurredAt()).id(original.id())
                .service(original.service()).severity(original.severity()).rootCause("a different cause")
                .build();
        assertThat(store.upsert(List.of(new EmbeddedIncident(changed, axis(0, 0, 1))))).isEqualTo(new UpsertResult(1, 0));
        assertThat(store.count()).isEqualTo(21);
    }

    @Test
    void roundTripsEveryField() {
        Incident full = Incident.builder("Disk /dev/sda1 is 98% full on db-7", T0).id("INC-42").service("db")
                .severity("critical").rootCause("Log rotation was disabled").resolution("Re-enabled logrotate; freed 40 GB")
                .resolvedAt(T0.plusSeconds(1800)).build();
        Incident sparse = Incident.builder("Timeout talking to auth", T0.plusMillis(123)).build();
        store.upsert(List.of(new EmbeddedIncident(full, axis(2, 0, 1)), new EmbeddedIncident(sparse, axis(3, 0, 1))));
        assertThat(store.get(full.contentHash())).contains(full);
        assertThat(store.get(sparse.contentHash())).contains(sparse);
        assertThat(sparse.id()).isEqualTo(sparse.contentHash());
        assertThat(store.get("0".repeat(64))).isEmpty();
        SimilarIncident hit = store.search(axis(2, 0, 1), IncidentSearch.defaults()).get(0);
        assertThat(hit.incident()).isEqualTo(full);
        assertThat(hit.similarity()).isCloseTo(1.0, within(1e-5));
    }

    @Test
    void deletes() {
        List<EmbeddedIncident> corpus = corpus();
        store.upsert(corpus);
        String hash = corpus.get(0).incident().contentHash();
        assertThat(store.delete(hash)).isTrue();
        assertThat(store.delete(hash)).isFalse();
        assertThat(store.count()).isEqualTo(19);
        assertThat(store.get(hash)).isEmpty();
        assertThat(store.search(axis(0, 0, 99), IncidentSearch.builder().limit(50).minSimilarity(-1).build()))
                .extracting(h -> h.incident().id()).doesNotContain("INC-0").hasSize(19);
        // Deleted incidents can be stored again.
        assertThat(store.upsert(List.of(corpus.get(0)))).isEqualTo(new UpsertResult(1, 0));
    }

    @Test
    void rejectsVectorsOfTheWrongLength() {
        EmbeddedIncident wrong = new EmbeddedIncident(incident("X", "m", "s", T0), new float[DIM + 1]);
        assertThatThrownBy(() -> store.upsert(List.of(wrong))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("\"X\"").hasMessageContaining((DIM + 1) + " dimensions");
        assertThatThrownBy(() -> store.search(new float[3], IncidentSearch.defaults()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("3 dimensions");
        assertThat(store.count()).isZero();
    }

    @Test
    void anEmptyStoreFindsNothing() {
        assertThat(store.search(axis(0, 0, 1), IncidentSearch.defaults())).isEmpty();
        assertThat(store.count()).isZero();
        assertThat(store.dimension()).isEqualTo(DIM);
    }
}
