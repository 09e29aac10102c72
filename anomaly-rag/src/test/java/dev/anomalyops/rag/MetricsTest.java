package dev.anomalyops.rag;

import static org.assertj.core.api.Assertions.assertThat;

import dev.anomalyops.rag.llm.LlmConfig;
import dev.anomalyops.rag.llm.OpenAiCompatibleClient;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The metric names the issue asks for, as a Prometheus scrape shows them. */
class MetricsTest {
    @Test
    void exposesTheAgreedNames() {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        Embedder metered = Embedders.metered(new Embedder() {
            @Override
            public String name() {
                return "fake";
            }

            @Override
            public int dimension() {
                return 2;
            }

            @Override
            public List<float[]> embedAll(List<String> texts) {
                return texts.stream().map(t -> new float[] {1, 0}).toList();
            }
        }, registry);
        metered.embed("x");
        OpenAiCompatibleClient client = new OpenAiCompatibleClient(
                LlmConfig.builder(URI.create("http://127.0.0.1:9/v1"), "m").retries(0, Duration.ZERO).build(), registry);
        try {
            client.complete(new Prompt("s", "u"), null);
        } catch (RuntimeException expected) {
            // nothing listens there; the failed call is still timed
        }
        io.micrometer.core.instrument.DistributionSummary.builder(dev.anomalyops.rag.qdrant.QdrantIncidentStore.SEARCH_LATENCY)
                .baseUnit("ms").register(registry).record(1.5);
        String scrape = registry.scrape();
        assertThat(scrape).contains("embedding_duration_ms_count{batch=\"1\",model=\"fake\"} 1")
                .contains("llm_generation_seconds_count{")
                .contains("llm_tokens_generated_total{model=\"m\"} 0")
                .contains("qdrant_search_latency_ms_count 1");
    }
}
