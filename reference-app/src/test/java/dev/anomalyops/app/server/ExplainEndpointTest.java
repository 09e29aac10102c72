package dev.anomalyops.app.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.anomalyops.app.ServingEndpoints;
import dev.anomalyops.app.explain.ExplainHandler;
import dev.anomalyops.core.registry.FileModelRegistry;
import dev.anomalyops.core.scoring.ScorerOptions;
import dev.anomalyops.rag.Embedder;
import dev.anomalyops.rag.Embedders;
import dev.anomalyops.rag.ExplanationService;
import dev.anomalyops.rag.GroundingChecker;
import dev.anomalyops.rag.Incident;
import dev.anomalyops.rag.IncidentIngest;
import dev.anomalyops.rag.Retriever;
import dev.anomalyops.rag.embedding.MiniLmEmbedder;
import dev.anomalyops.rag.store.EmbeddedIncidentStore;
import dev.anomalyops.triton.server.ScoringInferenceService;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code POST /v1/explain} on the real reference server: the real MiniLM embedder, the embedded incident store and
 * the template explainer answer over HTTP; bad bodies get 400; a server started without explanations answers 404.
 */
class ExplainEndpointTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    @TempDir
    Path temp;

    @Test
    void theServerExplainsAnomaliesFromPastIncidents() throws Exception {
        Instant t0 = Instant.parse("2025-01-03T10:00:00Z");
        try (Embedder embedder = Embedders.cached(MiniLmEmbedder.create(), 100);
                EmbeddedIncidentStore store = EmbeddedIncidentStore.inMemory(MiniLmEmbedder.DIMENSION);
                FileModelRegistry registry = FileModelRegistry.open(temp.resolve("registry"))) {
            IncidentIngest.ingest(List.of(Incident.builder("Connection pool exhausted: 50 of 50 connections in use on"
                    + " payments-db", t0).id("INC-101").service("payments").severity("critical")
                    .rootCause("A slow report query held database connections.").resolution("Killed the report query.")
                    .resolvedAt(t0.plusSeconds(2700)).build()), embedder, store, 16);
            try (ExplanationService service = ExplanationService.builder(Retriever.of(embedder, store))
                    .groundingChecker(GroundingChecker.of(embedder)).build();
                    InferenceServer server = ReferenceServer.start(registry, settings(), new ExplainHandler(service))) {
                HttpResponse<String> ok = post(server, "{\"message\": \"Connection pool exhausted: 50 of 50 connections"
                        + " busy on payments-db\", \"score\": 0.97, \"threshold\": 0.5, \"service\": \"payments\"}");
                assertThat(ok.statusCode()).as(ok.body()).isEqualTo(200);
                assertThat(ok.headers().firstValue("content-type")).hasValueSatisfying(v -> assertThat(v).contains("json"));
                JsonNode doc = JSON.readTree(ok.body());
                assertThat(doc.get("generator").asText()).isEqualTo("template");
                assertThat(doc.get("incidents").get(0).get("id").asText()).isEqualTo("INC-101");

                HttpResponse<String> bad = post(server, "{\"message\": \"x\", \"score\": 7}");
                assertThat(bad.statusCode()).isEqualTo(400);
                assertThat(bad.body()).contains("score");
            }
        }
    }

    @Test
    void withoutExplanationsThePathIsNotServed() throws Exception {
        try (FileModelRegistry registry = FileModelRegistry.open(temp.resolve("registry"));
                InferenceServer server = ReferenceServer.start(registry, settings())) {
            assertThat(post(server, "{\"message\": \"x\", \"score\": 0.9}").statusCode()).isEqualTo(404);
        }
    }

    private static ReferenceServer.Settings settings() {
        return new ReferenceServer.Settings(0, List.of(), "champion", ScorerOptions.defaults(),
                ScoringInferenceService.Batching.OFF, Duration.ZERO, 8 << 20, 65_536);
    }

    private static HttpResponse<String> post(InferenceServer server, String body) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port()
                        + ServingEndpoints.EXPLAIN_PATH)).timeout(Duration.ofSeconds(60))
                .header("content-type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build();
        return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
    }
}
