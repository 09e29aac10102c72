package dev.anomalyops.rag.qdrant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.anomalyops.core.ConfigurationException;
import dev.anomalyops.core.NonRetriableException;
import dev.anomalyops.core.RetriableException;
import dev.anomalyops.rag.AnomalyContext;
import dev.anomalyops.rag.EmbeddedIncident;
import dev.anomalyops.rag.Explanation;
import dev.anomalyops.rag.ExplanationService;
import dev.anomalyops.rag.Fixtures;
import dev.anomalyops.rag.GroundingChecker;
import dev.anomalyops.rag.IncidentIngest;
import dev.anomalyops.rag.IncidentSearch;
import dev.anomalyops.rag.IncidentStore;
import dev.anomalyops.rag.IncidentStoreContract;
import dev.anomalyops.rag.Retriever;
import dev.anomalyops.rag.TestEmbedder;
import dev.anomalyops.rag.llm.LlmConfig;
import dev.anomalyops.rag.llm.LlmExplainer;
import dev.anomalyops.rag.llm.OpenAiCompatibleClient;
import io.grpc.Status;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.qdrant.client.grpc.Collections.Distance;
import io.qdrant.client.grpc.Collections.VectorParams;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The Qdrant store against {@link FakeQdrantServer}, an in-process gRPC server on loopback built from the
 * Qdrant client's own generated service stubs (no real Qdrant can run here). It passes the same contract
 * as the embedded store, plus the Qdrant-specific parts: collection set-up, request shape, API key and
 * error mapping.
 */
class QdrantIncidentStoreTest extends IncidentStoreContract {
    FakeQdrantServer server;
    SimpleMeterRegistry registry = new SimpleMeterRegistry();

    @Override
    protected IncidentStore createStore(int dimension) throws Exception {
        server = new FakeQdrantServer();
        return QdrantIncidentStore.connect(config(dimension).build(), registry);
    }

    private QdrantConfig.Builder config(int dimension) {
        return QdrantConfig.builder("127.0.0.1").port(server.port()).dimension(dimension).timeout(Duration.ofSeconds(3));
    }

    @AfterEach
    void stopServer() throws Exception {
        server.close();
    }

    @Test
    void createsTheCollectionWithCosineDistanceAndPayloadIndexes() {
        FakeQdrantServer.Collection c = server.collections.get("incidents");
        assertThat(c.params.getSize()).isEqualTo(DIM);
        assertThat(c.params.getDistance()).isEqualTo(Distance.Cosine);
        assertThat(c.indexedFields).containsExactlyInAnyOrder("service:FieldTypeKeyword", "content_hash:FieldTypeKeyword",
                "occurred_at:FieldTypeDatetime");
    }

    @Test
    void storesThePayloadAndQueriesWithThresholdLimitAndFilters() {
        EmbeddedIncident e = new EmbeddedIncident(incident("INC-1", "Disk full", "db", T0), axis(0, 0, 1));
        store.upsert(List.of(e));
        FakeQdrantServer.Point point = server.collections.get("incidents").points.values().iterator().next();
        assertThat(point.payload().keySet()).contains("message", "severity", "service", "root_cause", "resolution",
                "occurred_at", "resolved_at", "id", "content_hash");
        assertThat(point.payload().get("occurred_at").getStringValue()).isEqualTo("2025-03-01T10:00:00Z");

        store.search(axis(0, 0, 2), IncidentSearch.builder().service("db").occurredBetween(T0, T0.plusSeconds(60)).build());
        var query = server.lastQuery.get();
        assertThat(query.getScoreThreshold()).isEqualTo(0.7f);
        assertThat(query.getLimit()).isEqualTo(5);
        assertThat(query.getWithPayload().getEnable()).isTrue();
        assertThat(query.getFilter().getMustCount()).isEqualTo(2);
        assertThat(registry.find(QdrantIncidentStore.SEARCH_LATENCY).summary().count()).isEqualTo(1);
    }

    @Test
    void refusesACollectionWithAnotherSizeOrDistance() throws Exception {
        server.collections.put("wrong", new FakeQdrantServer.Collection(
                VectorParams.newBuilder().setSize(DIM).setDistance(Distance.Dot).build()));
        assertThatThrownBy(() -> QdrantIncidentStore.connect(config(DIM).collection("wrong").build()))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("\"wrong\"")
                .hasMessageContaining("Dot distance");
        assertThatThrownBy(() -> QdrantIncidentStore.connect(config(16).build()))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("8 dimensions");
        assertThatThrownBy(() -> QdrantIncidentStore.connect(config(DIM).collection("absent").createCollection(false).build()))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("does not exist");
    }

    @Test
    void mapsFailuresToRetriableAndNonRetriable() {
        server.failNextCalls(Status.UNAVAILABLE.withDescription("overloaded"), 1);
        assertThatThrownBy(() -> store.count()).isInstanceOf(RetriableException.class).hasMessageContaining("UNAVAILABLE");
        assertThat(store.count()).isZero();
        server.failNextCalls(Status.INVALID_ARGUMENT.withDescription("Wrong input"), 1);
        assertThatThrownBy(() -> store.search(axis(0, 0, 1), IncidentSearch.defaults()))
                .isInstanceOf(NonRetriableException.class).hasMessageContaining("Wrong input");
    }

    /** A clock the test moves by hand. */
    static final class HandClock extends Clock {
        volatile Instant now = Instant.parse("2025-06-01T00:00:00Z");

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    @Test
    void whenQdrantIsDownTheTemplateExplainsWithoutAskingTheModelAndSaysWhy() throws Exception {
        HandClock clock = new HandClock();
        // A language model nothing listens on: the test fails if the service asks it while Qdrant is down
        // (the notice would then name the model's failure instead of the store's).
        OpenAiCompatibleClient model = new OpenAiCompatibleClient(LlmConfig.builder(URI.create("http://127.0.0.1:9/v1"), "m")
                .retries(0, Duration.ZERO).build());
        try (QdrantIncidentStore history = QdrantIncidentStore.connect(config(384).collection("history").build(), registry);
                ExplanationService service = ExplanationService.builder(Retriever.of(TestEmbedder.get(), history))
                        .explainer(new LlmExplainer(model)).groundingChecker(GroundingChecker.of(TestEmbedder.get()))
                        .clock(clock).build()) {
            IncidentIngest.ingest(Fixtures.incidents(), TestEmbedder.get(), history, 16);
            AnomalyContext anomaly = Fixtures.poolAnomaly();

            server.failNextCalls(Status.UNAVAILABLE.withDescription("Qdrant is restarting"), 1);
            Explanation down = service.explain(anomaly).get(30, TimeUnit.SECONDS);
            assertThat(down.generator()).isEqualTo("template");
            assertThat(down.incidents()).isEmpty();
            assertThat(down.notice()).startsWith("The incident store could not be searched (")
                    .contains("UNAVAILABLE").contains("Qdrant is restarting").contains("the language model was not asked");
            assertThat(down.rootCauseAnalysis()).contains("db_active_connections");
            assertThat(down.grounding().flagged()).isEmpty();

            // The fallback is cached briefly, then the full explanation is tried again: Qdrant is back, the
            // model is still unreachable, so the template answers from the retrieved incidents.
            assertThat(service.cached(anomaly.signature())).contains(down);
            clock.now = clock.now.plus(Duration.ofMinutes(2));
            assertThat(service.cached(anomaly.signature())).isEmpty();
            Explanation back = service.explain(anomaly).get(30, TimeUnit.SECONDS);
            assertThat(back.incidents()).extracting(h -> h.incident().id()).startsWith("INC-101");
            assertThat(back.notice()).startsWith("The language model failed (");

            // A store that is gone altogether (connection refused) gives the same kind of answer.
            server.close();
            Explanation gone = service.explainNow(Fixtures.unknownAnomaly());
            assertThat(gone.incidents()).isEmpty();
            assertThat(gone.notice()).startsWith("The incident store could not be searched (").contains("UNAVAILABLE");
        }
    }

    @Test
    void sendsTheApiKey() throws Exception {
        server.requireApiKey("s3cret");
        assertThatThrownBy(() -> QdrantIncidentStore.connect(config(DIM).build()))
                .isInstanceOf(NonRetriableException.class).hasMessageContaining("UNAUTHENTICATED");
        QdrantConfig withKey = config(DIM).apiKey("s3cret").build();
        assertThat(withKey.toString()).doesNotContain("s3cret");
        try (QdrantIncidentStore s = QdrantIncidentStore.connect(withKey)) {
            assertThat(s.count()).isZero();
        }
    }

    @Test
    void anUnreachableServerIsRetriable() throws Exception {
        QdrantConfig config = config(DIM).timeout(Duration.ofMillis(500)).checkCompatibility(false).build();
        server.close();
        assertThatThrownBy(() -> QdrantIncidentStore.connect(config))
                .isInstanceOf(RetriableException.class);
    }
}
