package dev.anomalyops.app.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.anomalyops.core.ConfigurationException;
import dev.anomalyops.core.RetriableException;
import dev.anomalyops.rag.AnomalyContext;
import dev.anomalyops.rag.Embedder;
import dev.anomalyops.rag.Embedders;
import dev.anomalyops.rag.Explanation;
import dev.anomalyops.rag.ExplanationJson;
import dev.anomalyops.rag.ExplanationService;
import dev.anomalyops.rag.GroundingChecker;
import dev.anomalyops.rag.IncidentIngest;
import dev.anomalyops.rag.IncidentSearch;
import dev.anomalyops.rag.IncidentStore;
import dev.anomalyops.rag.Retriever;
import dev.anomalyops.rag.SentenceCheck;
import dev.anomalyops.rag.SimilarIncident;
import dev.anomalyops.rag.embedding.MiniLmEmbedder;
import dev.anomalyops.rag.llm.LlmConfig;
import dev.anomalyops.rag.llm.LlmExplainer;
import dev.anomalyops.rag.llm.OpenAiCompatibleClient;
import dev.anomalyops.rag.qdrant.QdrantConfig;
import dev.anomalyops.rag.qdrant.QdrantIncidentStore;
import dev.anomalyops.rag.store.EmbeddedIncidentStore;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code anomalyops explain}: explain one anomaly from similar past incidents, with a language model when
 * one is configured and the deterministic template otherwise; every sentence is checked against the sources.
 */
@Command(name = "explain", mixinStandardHelpOptions = true, sortOptions = false,
        description = {
            "Explain an anomaly from similar past incidents: root cause analysis, impact assessment, recommended"
                    + " actions and prevention steps, with a grounding score for every sentence.",
            "",
            "Incidents come from an embedded store (--store FILE, created when absent; in memory without it) or from"
                    + " Qdrant (--qdrant HOST:PORT); --incidents loads JSON Lines or CSV files into it first"
                    + " (de-duplicated by content hash). Without --llm-url the explanation is composed by the"
                    + " deterministic template and labelled as such; with it, an OpenAI-compatible server (vLLM)"
                    + " writes it, and the template answers if the server fails or nothing similar was found.",
            "",
            "Example:",
            "  anomalyops explain --incidents incidents.jsonl --store incidents.store \\",
            "    --message 'Connection pool exhausted on payments-db' --score 0.97 --service payments \\",
            "    --feature db_active_connections=50:1.42 --llm-url http://vllm:8000/v1 --llm-model Qwen/Qwen2.5-1.5B-Instruct"
        })
final class ExplainCommand implements Callable<Integer> {
    @Mixin
    Output output;

    @Option(names = "--message", required = true, paramLabel = "TEXT", description = "The anomalous log message.")
    String message;

    @Option(names = "--score", defaultValue = "1.0", paramLabel = "P",
            description = "The model's anomaly probability in [0, 1] (default: ${DEFAULT-VALUE}).")
    double score;

    @Option(names = "--threshold", paramLabel = "P", description = "The model's decision threshold, if known.")
    Double threshold;

    @Option(names = "--service", description = "The service the anomaly came from.")
    String service;

    @Option(names = "--feature", paramLabel = "NAME=VALUE:CONTRIBUTION",
            description = "A feature that drove the score, e.g. cpu_user=0.93:1.42; repeatable.")
    List<String> features = new ArrayList<>();

    @Option(names = "--detected-at", paramLabel = "ISO-8601", description = "When it was detected (default: now).")
    Instant detectedAt;

    @Option(names = "--incidents", paramLabel = "FILE", description = "Past incidents to load first (.jsonl or .csv); repeatable.")
    List<Path> incidentFiles = new ArrayList<>();

    @Option(names = "--store", paramLabel = "FILE", description = "Embedded incident store file (created when absent).")
    Path store;

    @Option(names = "--qdrant", paramLabel = "HOST:PORT", description = "Use this Qdrant (gRPC, default port 6334) instead.")
    String qdrant;

    @Option(names = "--collection", defaultValue = "incidents", description = "Qdrant collection (default: ${DEFAULT-VALUE}).")
    String collection;

    @Option(names = "--qdrant-api-key-env", paramLabel = "VAR", description = "Environment variable holding the Qdrant API key.")
    String qdrantKeyVariable;

    @Option(names = "--limit", defaultValue = "5", description = "Similar incidents used at most (default: ${DEFAULT-VALUE}).")
    int limit;

    @Option(names = "--min-similarity", defaultValue = "0.7",
            description = "Minimum cosine similarity of an incident (default: ${DEFAULT-VALUE}).")
    double minSimilarity;

    @Option(names = "--same-service", description = "Only use incidents of the anomaly's service.")
    boolean sameService;

    @Option(names = "--llm-url", paramLabel = "URL", description = "OpenAI-compatible API root, e.g. http://vllm:8000/v1.")
    URI llmUrl;

    @Option(names = "--llm-model", paramLabel = "NAME", description = "Model name as the server lists it.")
    String llmModel;

    @Option(names = "--llm-api-key-env", paramLabel = "VAR", description = "Environment variable holding the API key.")
    String llmKeyVariable;

    @Option(names = "--endpoint", defaultValue = "chat",
            description = "chat (/v1/chat/completions) or completions (/v1/completions) (default: ${DEFAULT-VALUE}).")
    String endpoint;

    @Option(names = "--structured", defaultValue = "response-format", paramLabel = "DIALECT",
            description = "How to request JSON: response-format, structured-outputs, guided-json or none"
                    + " (default: ${DEFAULT-VALUE}).")
    String structured;

    @Option(names = "--max-tokens", defaultValue = "500", description = "max_tokens (default: ${DEFAULT-VALUE}).")
    int maxTokens;

    @Option(names = "--temperature", defaultValue = "0.7", description = "Sampling temperature (default: ${DEFAULT-VALUE}).")
    double temperature;

    @Option(names = "--timeout", defaultValue = "60", paramLabel = "SECONDS",
            description = "Time allowed for the model's answer (default: ${DEFAULT-VALUE}).")
    int timeoutSeconds;

    @Option(names = "--stream", description = "Stream the model's answer to stderr as it is written.")
    boolean stream;

    @Override
    public Integer call() throws IOException {
        AnomalyContext anomaly = anomaly();
        try (Embedder embedder = Embedders.cached(MiniLmEmbedder.create(), 4096);
                IncidentStore incidents = openStoreOrNull()) {
            for (Path file : incidentFiles) {
                IncidentIngest.Report report = IncidentIngest.ingest(file, embedder, incidents);
                output.progress(String.format(Locale.ROOT, "%s: %d rows, %d added, %d duplicates, %d rejected", file,
                        report.rows(), report.added(), report.duplicates(), report.rejected().size()));
                report.rejected().forEach(r -> output.progress("  line " + r.line() + ": " + r.reason()));
            }
            IncidentSearch search = IncidentSearch.builder().limit(limit).minSimilarity(minSimilarity)
                    .service(sameService ? service : null).build();
            // An unreachable Qdrant still gets an explanation (from the model's signal), whose notice says why.
            Retriever retriever = incidents != null ? Retriever.of(embedder, incidents) : (a, s) -> {
                throw storeDown;
            };
            try (ExplanationService service = ExplanationService.builder(retriever)
                    .search(search)
                    .explainer(llmExplainer())
                    .groundingChecker(GroundingChecker.of(embedder))
                    .build()) {
                Explanation explanation = service.explainNow(anomaly);
                ObjectNode document = (ObjectNode) Output.mapper().readTree(ExplanationJson.write(explanation));
                output.print(document, text(explanation));
            }
        }
        return 0;
    }

    private AnomalyContext anomaly() {
        AnomalyContext.Builder b = AnomalyContext.builder(message, score).service(service);
        if (threshold != null) {
            b.threshold(threshold);
        }
        if (detectedAt != null) {
            b.detectedAt(detectedAt);
        }
        for (String f : features) {
            int eq = f.indexOf('=');
            int colon = f.lastIndexOf(':');
            if (eq <= 0 || colon < eq) {
                throw new IllegalArgumentException("--feature \"" + f + "\" must be NAME=VALUE:CONTRIBUTION, e.g. cpu_user=0.93:1.42");
            }
            try {
                b.feature(f.substring(0, eq), Double.parseDouble(f.substring(eq + 1, colon)),
                        Double.parseDouble(f.substring(colon + 1)));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("--feature \"" + f + "\" has a value or contribution that is not a number");
            }
        }
        return b.build();
    }

    /** Why the incident store could not be opened; set only when explaining without it. */
    private RuntimeException storeDown;

    /** Null when Qdrant cannot be reached and nothing is to be loaded into it ({@link #storeDown} says why). */
    private IncidentStore openStoreOrNull() {
        try {
            return openStore();
        } catch (RetriableException e) {
            if (qdrant == null || !incidentFiles.isEmpty()) {
                throw e;
            }
            output.progress("Qdrant at " + qdrant + " cannot be reached; explaining without past incidents: " + e.getMessage());
            storeDown = e;
            return null;
        }
    }

    private IncidentStore openStore() {
        if (qdrant != null) {
            QdrantConfig.Builder config = QdrantConfig.parse(qdrant).collection(collection);
            if (qdrantKeyVariable != null) {
                config.apiKey(requireEnv(qdrantKeyVariable));
            }
            return QdrantIncidentStore.connect(config.build());
        }
        return store != null ? EmbeddedIncidentStore.open(store, MiniLmEmbedder.DIMENSION)
                : EmbeddedIncidentStore.inMemory(MiniLmEmbedder.DIMENSION);
    }

    private LlmExplainer llmExplainer() {
        if (llmUrl == null) {
            return null;
        }
        if (llmModel == null) {
            throw new ConfigurationException("--llm-url needs --llm-model (the model name as GET /v1/models lists it)");
        }
        LlmConfig.Builder config = LlmConfig.builder(llmUrl, llmModel)
                .endpoint(parse(LlmConfig.Endpoint.class, endpoint, "--endpoint"))
                .structuredOutput(parse(LlmConfig.StructuredOutput.class, structured, "--structured"))
                .maxTokens(maxTokens)
                .temperature(temperature)
                .timeouts(Duration.ofSeconds(10), Duration.ofSeconds(timeoutSeconds), Duration.ofSeconds(Math.max(5, timeoutSeconds / 2)));
        if (llmKeyVariable != null) {
            config.apiKey(requireEnv(llmKeyVariable));
        }
        OpenAiCompatibleClient client = new OpenAiCompatibleClient(config.build());
        return new LlmExplainer(client, dev.anomalyops.rag.PromptTemplate.defaults(),
                stream ? t -> {
                    var err = output.spec.commandLine().getErr();
                    err.print(t);
                    err.flush();
                } : null, 1);
    }

    private static String requireEnv(String variable) {
        String value = System.getenv(variable);
        if (value == null || value.isBlank()) {
            throw new ConfigurationException("Environment variable \"" + variable + "\" is not set");
        }
        return value;
    }

    private static <E extends Enum<E>> E parse(Class<E> type, String value, String option) {
        try {
            return Enum.valueOf(type, value.toUpperCase(Locale.ROOT).replace('-', '_'));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(option + " \"" + value + "\" is not one of "
                    + java.util.Arrays.stream(type.getEnumConstants()).map(c -> c.name().toLowerCase(Locale.ROOT).replace('_', '-')).toList());
        }
    }

    private static String text(Explanation e) {
        StringBuilder s = new StringBuilder();
        s.append("Explanation by ").append(e.generator());
        if (e.notice() != null) {
            s.append("\nNote: ").append(e.notice());
        }
        String[] titles = {"Root cause analysis", "Impact assessment", "Recommended actions", "Prevention steps"};
        for (int i = 0; i < titles.length; i++) {
            s.append("\n\n").append(titles[i]).append('\n');
            e.section(Explanation.SECTIONS.get(i)).lines().forEach(l -> s.append("  ").append(l).append('\n'));
        }
        s.append("\nSimilar past incidents");
        if (e.incidents().isEmpty()) {
            s.append(": none found\n");
        } else {
            s.append('\n');
            int n = 1;
            for (SimilarIncident h : e.incidents()) {
                s.append(String.format(Locale.ROOT, "  [%d] %.2f  %s  %s  %s  %s%n", n++, h.similarity(), h.incident().id(),
                        h.incident().service() == null ? "-" : h.incident().service(), h.incident().severity(),
                        h.incident().message()));
            }
        }
        if (e.grounding().checked()) {
            long supported = e.grounding().sentences().stream().filter(SentenceCheck::supported).count();
            s.append(String.format(Locale.ROOT, "%nGrounding: %.2f (%d of %d sentences supported by the sources)",
                    e.grounding().score(), supported, e.grounding().sentences().size()));
            for (SentenceCheck c : e.grounding().flagged()) {
                s.append("\n  unsupported: \"").append(c.sentence()).append('"');
                if (!c.unsupportedTerms().isEmpty()) {
                    s.append(" (not in the sources: ").append(String.join(", ", c.unsupportedTerms())).append(')');
                }
            }
        }
        return s.toString();
    }
}
