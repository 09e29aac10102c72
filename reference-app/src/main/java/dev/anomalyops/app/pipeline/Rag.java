package dev.anomalyops.app.pipeline;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.anomalyops.rag.AnomalyContext;
import dev.anomalyops.rag.Embedder;
import dev.anomalyops.rag.Embedders;
import dev.anomalyops.rag.ExplanationJson;
import dev.anomalyops.rag.ExplanationService;
import dev.anomalyops.rag.GroundingChecker;
import dev.anomalyops.rag.Incident;
import dev.anomalyops.rag.IncidentIngest;
import dev.anomalyops.rag.IncidentSearch;
import dev.anomalyops.rag.Retriever;
import dev.anomalyops.rag.embedding.MiniLmEmbedder;
import dev.anomalyops.rag.store.EmbeddedIncidentStore;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * The demo's explanation step with the embedded explainer of {@code anomalyops explain}: the dataset's labelled
 * incidents (SMD's interpretation labels: when, and which metrics) go into the embedded incident store with
 * MiniLM embeddings; each top anomaly is described by its most unusual metrics and explained by the template
 * explainer from the similar incidents that happened <em>before</em> it, with the grounding check.
 */
public final class Rag {
    /** Least cosine similarity of an incident used; the descriptions are short, so lower than the default. */
    static final double MIN_SIMILARITY = 0.6;

    private Rag() {}

    /**
     * @param anomaly the anomaly as the statistical step found it
     * @param message the message that was embedded
     * @param explanation the explanation
     */
    public record Explained(Explain.Explanation anomaly, String message, dev.anomalyops.rag.Explanation explanation) {
        /** @return the JSON form: the anomaly, the message and the documented explanation document */
        public ObjectNode toJson() {
            ObjectNode node = PipelineJson.MAPPER.createObjectNode();
            node.put("instance", anomaly.instance()).put("timestamp", anomaly.timestamp().toString())
                    .put("message", message);
            try {
                node.set("explanation", PipelineJson.MAPPER.readTree(ExplanationJson.write(explanation)));
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
            return node;
        }
    }

    /**
     * @param instance the machine
     * @param metrics metric names
     * @return the text embedded for an incident or an anomaly, the same form for both
     */
    static String describe(String instance, java.util.Collection<String> metrics) {
        return instance + ": metrics " + String.join(", ", metrics) + " abnormal together";
    }

    /**
     * @param anomalies the top anomalies
     * @param incidents the dataset's incidents per machine (rows of the test split)
     * @param testStart epoch milliseconds of each machine's first test row
     * @param threshold the detector's threshold
     * @param progress progress lines
     * @return one explanation per anomaly, in order
     */
    public static List<Explained> explain(List<Explain.Explanation> anomalies,
            Map<String, List<Explain.Incident>> incidents, Map<String, Long> testStart, double threshold,
            Progress progress) {
        List<Incident> past = new ArrayList<>();
        incidents.forEach((machine, list) -> {
            for (Explain.Incident i : list) {
                Instant start = Instant.ofEpochMilli(testStart.get(machine)).plus(Ingest.STEP.multipliedBy(i.start()));
                Instant end = Instant.ofEpochMilli(testStart.get(machine)).plus(Ingest.STEP.multipliedBy(i.end()));
                TreeSet<String> metrics = new TreeSet<>(i.metrics());
                past.add(Incident.builder(describe(machine, metrics), start).id(machine + "/" + i.start())
                        .service(machine).severity("high")
                        .rootCause("The dataset's interpretation label blames metrics " + String.join(", ", metrics)
                                + " on " + machine + ".")
                        .resolvedAt(end).build());
            }
        });
        List<Explained> out = new ArrayList<>();
        try (Embedder embedder = Embedders.cached(MiniLmEmbedder.create(), 1024);
                EmbeddedIncidentStore store = EmbeddedIncidentStore.inMemory(MiniLmEmbedder.DIMENSION)) {
            IncidentIngest.ingest(past, embedder, store, 64);
            progress.line(String.format("  %d labelled incidents in the embedded store (MiniLM)", past.size()));
            Retriever retriever = Retriever.of(embedder, store);
            for (Explain.Explanation a : anomalies) {
                List<String> top = a.metrics().stream().map(Explain.Attribution::metric).toList();
                String message = describe(a.instance(), top);
                AnomalyContext.Builder context = AnomalyContext.builder(message, Math.min(1, Math.max(0, a.score())))
                        .threshold(threshold).service(a.instance()).detectedAt(a.timestamp());
                a.metrics().forEach(m -> context.feature(m.metric(), m.z(), Math.abs(m.z())));
                IncidentSearch search = IncidentSearch.builder().limit(3).minSimilarity(MIN_SIMILARITY)
                        .occurredBetween(null, a.timestamp()).build();
                try (ExplanationService service = ExplanationService.builder(retriever).search(search)
                        .groundingChecker(GroundingChecker.of(embedder)).build()) {
                    Explained e = new Explained(a, message, service.explainNow(context.build()));
                    out.add(e);
                    progress.line(String.format("  %s at %s: %d similar past incident(s), grounding %.2f (%s)",
                            a.instance(), a.timestamp(), e.explanation().incidents().size(),
                            e.explanation().grounding().score(), e.explanation().generator()));
                }
            }
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException("Cannot close the embedder or the incident store: " + e.getMessage(), e);
        }
        return out;
    }
}
