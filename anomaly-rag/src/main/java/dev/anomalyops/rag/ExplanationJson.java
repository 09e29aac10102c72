package dev.anomalyops.rag;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.anomalyops.rag.internal.IncidentJson;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * The JSON form of explanations, for the reference server's {@code POST /v1/explain}, the CLI's
 * {@code --json} and logs. The documents validate against {@link #explanationSchema()}
 * ({@code dev/anomalyops/rag/explanation.schema.json}, JSON Schema 2020-12);
 * {@link #answerSchema()} is the smaller schema a language model is asked to follow.
 */
public final class ExplanationJson {
    private static final String EXPLANATION_SCHEMA = load("explanation.schema.json");
    private static final String ANSWER_SCHEMA = load("explanation-answer.schema.json");

    private ExplanationJson() {}

    private static String load(String name) {
        try (InputStream in = ExplanationJson.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("resource \"" + name + "\" is missing from anomaly-rag");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** @return the JSON Schema of the documents {@link #write} produces */
    public static String explanationSchema() {
        return EXPLANATION_SCHEMA;
    }

    /** @return the JSON Schema of a language model's answer: the four sections as strings */
    public static String answerSchema() {
        return ANSWER_SCHEMA;
    }

    /**
     * @param explanation an explanation
     * @return its JSON document (compact, UTF-8 text)
     */
    public static String write(Explanation explanation) {
        ObjectNode root = IncidentJson.object();
        root.put("signature", explanation.signature());
        root.put("generator", explanation.generator());
        if (explanation.notice() == null) {
            root.putNull("notice");
        } else {
            root.put("notice", explanation.notice());
        }
        ObjectNode sections = root.putObject("sections");
        for (String name : Explanation.SECTIONS) {
            sections.put(name, explanation.section(name));
        }
        ArrayNode incidents = root.putArray("incidents");
        for (SimilarIncident hit : explanation.incidents()) {
            Incident i = hit.incident();
            ObjectNode n = incidents.addObject();
            n.put("id", i.id());
            n.put("similarity", round(hit.similarity()));
            n.put("message", i.message());
            nullable(n, "service", i.service());
            n.put("severity", i.severity());
            nullable(n, "root_cause", i.rootCause());
            nullable(n, "resolution", i.resolution());
            n.put("occurred_at", i.occurredAt().toString());
            nullable(n, "resolved_at", i.resolvedAt() == null ? null : i.resolvedAt().toString());
            n.put("content_hash", i.contentHash());
        }
        ObjectNode grounding = root.putObject("grounding");
        Grounding g = explanation.grounding();
        grounding.put("checked", g.checked());
        if (Double.isNaN(g.score())) {
            grounding.putNull("score");
        } else {
            grounding.put("score", round(g.score()));
        }
        ArrayNode sentences = grounding.putArray("sentences");
        for (SentenceCheck c : g.sentences()) {
            ObjectNode n = sentences.addObject();
            n.put("section", c.section());
            n.put("sentence", c.sentence());
            n.put("supported", c.supported());
            if (Double.isNaN(c.similarity())) {
                n.putNull("similarity");
            } else {
                n.put("similarity", round(Math.max(-1, Math.min(1, c.similarity()))));
            }
            n.put("overlap", round(c.overlap()));
            ArrayNode terms = n.putArray("unsupported_terms");
            c.unsupportedTerms().forEach(terms::add);
            nullable(n, "source", c.source());
        }
        return IncidentJson.write(root);
    }

    private static double round(double v) {
        return Math.round(v * 10_000) / 10_000.0;
    }

    private static void nullable(ObjectNode node, String field, @org.jspecify.annotations.Nullable String value) {
        if (value == null) {
            node.putNull(field);
        } else {
            node.put(field, value);
        }
    }
}
