package dev.anomalyops.app.explain;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import dev.anomalyops.rag.Embedder;
import dev.anomalyops.rag.Embedders;
import dev.anomalyops.rag.ExplanationJson;
import dev.anomalyops.rag.ExplanationService;
import dev.anomalyops.rag.GroundingChecker;
import dev.anomalyops.rag.Incident;
import dev.anomalyops.rag.IncidentIngest;
import dev.anomalyops.rag.Retriever;
import dev.anomalyops.rag.embedding.MiniLmEmbedder;
import dev.anomalyops.rag.store.EmbeddedIncidentStore;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@code POST /v1/explain}: real embeddings and store, the template explainer, answers checked against the schema. */
class ExplainHandlerTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final Schema SCHEMA = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12)
            .getSchema(ExplanationJson.explanationSchema());
    static Embedder embedder;
    static EmbeddedIncidentStore store;

    @BeforeAll
    static void setUp() {
        embedder = Embedders.cached(MiniLmEmbedder.create(), 1000);
        store = EmbeddedIncidentStore.inMemory(MiniLmEmbedder.DIMENSION);
        Instant t0 = Instant.parse("2025-01-03T10:00:00Z");
        IncidentIngest.ingest(List.of(
                Incident.builder("Connection pool exhausted: 50 of 50 connections in use on payments-db", t0).id("INC-101")
                        .service("payments").severity("critical").rootCause("A slow report query held database connections.")
                        .resolution("Killed the report query.").resolvedAt(t0.plusSeconds(2700)).build(),
                Incident.builder("Disk usage at 97% on /var/lib/kafka on broker-3", t0.plusSeconds(86400)).id("INC-142")
                        .service("kafka").severity("high").build()), embedder, store, 16);
    }

    @AfterAll
    static void tearDown() throws Exception {
        store.close();
        embedder.close();
    }

    private static byte[] body(String json) {
        return json.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void answersWithASchemaValidExplanation() throws Exception {
        try (ExplanationService service = ExplanationService.builder(Retriever.of(embedder, store))
                .groundingChecker(GroundingChecker.of(embedder)).build()) {
            ExplainHandler handler = new ExplainHandler(service);
            ExplainHandler.Response r = handler.handle(body("{\"message\": \"Connection pool exhausted: 50 of 50 connections"
                    + " busy on payments-db\", \"score\": 0.97, \"threshold\": 0.5, \"service\": \"payments\","
                    + " \"detected_at\": \"2025-03-01T00:00:00Z\", \"features\": [{\"name\": \"db_active_connections\","
                    + " \"value\": 50, \"contribution\": 1.42}], \"attributes\": {\"host\": \"db-1\"}}"))
                    .get(60, TimeUnit.SECONDS);
            assertThat(r.status()).as(r.body()).isEqualTo(200);
            JsonNode doc = JSON.readTree(r.body());
            assertThat(SCHEMA.validate(doc)).isEmpty();
            assertThat(doc.get("generator").asText()).isEqualTo("template");
            assertThat(doc.get("incidents").get(0).get("id").asText()).isEqualTo("INC-101");
            assertThat(doc.get("sections").get("root_cause_analysis").asText()).contains("A slow report query");
            // The same anomaly again is answered from the cache (same signature, same document).
            assertThat(handler.handle(body("{\"message\": \"Connection pool exhausted: 50 of 50 connections busy on"
                    + " payments-db\", \"score\": 0.97, \"threshold\": 0.5, \"service\": \"payments\", \"detected_at\":"
                    + " \"2025-03-01T00:00:00Z\", \"features\": [{\"name\": \"db_active_connections\", \"value\": 50,"
                    + " \"contribution\": 1.42}], \"attributes\": {\"host\": \"db-1\"}}")).get(5, TimeUnit.SECONDS).body())
                    .isEqualTo(r.body());
        }
    }

    @Test
    void malformedRequestsGet400WithTheReason() throws Exception {
        try (ExplanationService service = ExplanationService.builder(Retriever.of(embedder, store)).build()) {
            ExplainHandler handler = new ExplainHandler(service);
            String[][] cases = {
                {"not json", "not JSON"},
                {"[1]", "must be a JSON object"},
                {"{\"score\": 0.9}", "\"message\" must be a non-empty string"},
                {"{\"message\": \"x\"}", "\"score\" must be a number but was missing"},
                {"{\"message\": \"x\", \"score\": 1.5}", "\"score\" must be in [0, 1] but was 1.5"},
                {"{\"message\": \"x\", \"score\": 0.9, \"detected_at\": \"yesterday\"}", "ISO-8601"},
                {"{\"message\": \"x\", \"score\": 0.9, \"features\": [{\"name\": \"cpu\", \"value\": \"high\"}]}",
                    "\"value\" must be a number"},
            };
            for (String[] c : cases) {
                ExplainHandler.Response r = handler.handle(body(c[0])).get(5, TimeUnit.SECONDS);
                assertThat(r.status()).as(c[0]).isEqualTo(400);
                assertThat(JSON.readTree(r.body()).get("error").asText()).as(c[0]).contains(c[1]);
            }
        }
    }

    @Test
    void aFullQueueAnswers503AtOnce() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        Retriever slow = (anomaly, search) -> {
            try {
                release.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return List.of();
        };
        try (ExplanationService service = ExplanationService.builder(slow).threads(1, 1).build()) {
            ExplainHandler handler = new ExplainHandler(service);
            CompletableFuture<ExplainHandler.Response> running = handler.handle(body("{\"message\": \"a\", \"score\": 0.9}"));
            CompletableFuture<ExplainHandler.Response> queued = handler.handle(body("{\"message\": \"b\", \"score\": 0.9}"));
            long start = System.nanoTime();
            ExplainHandler.Response rejected = handler.handle(body("{\"message\": \"c\", \"score\": 0.9}")).get(5, TimeUnit.SECONDS);
            assertThat((System.nanoTime() - start) / 1e9).isLessThan(5);
            assertThat(rejected.status()).isEqualTo(503);
            assertThat(rejected.headers()).containsEntry("Retry-After", "1");
            assertThat(JSON.readTree(rejected.body()).get("error").asText()).contains("queue is full");
            release.countDown();
            assertThat(running.get(30, TimeUnit.SECONDS).status()).isEqualTo(200);
            assertThat(queued.get(30, TimeUnit.SECONDS).status()).isEqualTo(200);
        }
    }
}
