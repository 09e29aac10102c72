package dev.anomalyops.rag.qdrant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.anomalyops.core.ConfigurationException;
import dev.anomalyops.core.NonRetriableException;
import dev.anomalyops.core.RetriableException;
import dev.anomalyops.rag.EmbeddedIncident;
import dev.anomalyops.rag.IncidentSearch;
import dev.anomalyops.rag.IncidentStore;
import dev.anomalyops.rag.IncidentStoreContract;
import io.grpc.Status;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.qdrant.client.grpc.Collections.Distance;
import io.qdrant.client.grpc.Collections.VectorParams;
import java.time.Duration;
import java.util.List;
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
