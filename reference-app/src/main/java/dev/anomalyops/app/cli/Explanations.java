package dev.anomalyops.app.cli;

import dev.anomalyops.app.explain.ExplainHandler;
import dev.anomalyops.core.ConfigurationException;
import dev.anomalyops.rag.CircuitBreaker;
import dev.anomalyops.rag.Embedder;
import dev.anomalyops.rag.Embedders;
import dev.anomalyops.rag.ExplanationService;
import dev.anomalyops.rag.GroundingChecker;
import dev.anomalyops.rag.IncidentIngest;
import dev.anomalyops.rag.PromptTemplate;
import dev.anomalyops.rag.Retriever;
import dev.anomalyops.rag.embedding.MiniLmEmbedder;
import dev.anomalyops.rag.llm.LlmConfig;
import dev.anomalyops.rag.llm.LlmExplainer;
import dev.anomalyops.rag.llm.OpenAiCompatibleClient;
import dev.anomalyops.rag.store.EmbeddedIncidentStore;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * What {@code serve --explain} owns for {@code POST /v1/explain}: the embedder, the embedded incident store and the
 * explanation service, opened together and closed together after the server has stopped.
 */
final class Explanations implements AutoCloseable {
    private final Embedder embedder;
    private final EmbeddedIncidentStore store;
    private final ExplanationService service;

    private Explanations(Embedder embedder, EmbeddedIncidentStore store, ExplanationService service) {
        this.embedder = embedder;
        this.store = store;
        this.service = service;
    }

    static Explanations open(List<Path> incidentFiles, @Nullable Path storeFile, @Nullable URI llmUrl,
            @Nullable String llmModel, Output output) {
        if (llmUrl != null && llmModel == null) {
            throw new ConfigurationException("--llm-url needs --llm-model (the model name as GET /v1/models lists it)");
        }
        Embedder embedder = Embedders.cached(MiniLmEmbedder.create(), 4096);
        EmbeddedIncidentStore store = storeFile != null ? EmbeddedIncidentStore.open(storeFile, MiniLmEmbedder.DIMENSION)
                : EmbeddedIncidentStore.inMemory(MiniLmEmbedder.DIMENSION);
        for (Path file : incidentFiles) {
            IncidentIngest.Report report = IncidentIngest.ingest(file, embedder, store);
            output.progress(String.format(Locale.ROOT, "%s: %d rows, %d added, %d duplicates, %d rejected", file,
                    report.rows(), report.added(), report.duplicates(), report.rejected().size()));
        }
        ExplanationService.Builder builder = ExplanationService.builder(Retriever.of(embedder, store))
                .groundingChecker(GroundingChecker.of(embedder));
        if (llmUrl != null) {
            OpenAiCompatibleClient client = new OpenAiCompatibleClient(LlmConfig.builder(llmUrl, llmModel).build());
            // A dead or slow LLM endpoint opens the breaker after 5 failures: explanations fall back to the template
            // at once (with the reason) instead of each waiting for the time-out; a trial call after 30 s closes it.
            CircuitBreaker breaker = CircuitBreaker.builder("llm").build();
            builder.explainer(breaker.explainer(new LlmExplainer(client, PromptTemplate.defaults(), null, 1)));
        }
        return new Explanations(embedder, store, builder.build());
    }

    ExplainHandler handler() {
        return new ExplainHandler(service);
    }

    @Override
    public void close() {
        service.close();
        store.close();
        embedder.close();
    }
}
