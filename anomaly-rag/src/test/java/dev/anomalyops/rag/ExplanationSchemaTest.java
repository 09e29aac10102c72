package dev.anomalyops.rag;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Explanations as written by {@link ExplanationJson} validate against {@code explanation.schema.json}
 * (checked by an independent JSON Schema 2020-12 validator, networknt), and the schema rejects documents
 * that break it; the same for the answer schema sent to language models.
 */
class ExplanationSchemaTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final SchemaRegistry REGISTRY = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12);
    static final Schema EXPLANATION = REGISTRY.getSchema(ExplanationJson.explanationSchema());
    static final Schema ANSWER = REGISTRY.getSchema(ExplanationJson.answerSchema());
    static IncidentStore store;

    @BeforeAll
    static void setUp() {
        store = Fixtures.store();
    }

    @AfterAll
    static void tearDown() {
        store.close();
    }

    private static List<Error> errors(Schema schema, String json) throws Exception {
        return schema.validate(JSON.readTree(json));
    }

    @Test
    void everyKindOfExplanationValidates() throws Exception {
        try (ExplanationService service = ExplanationService.builder(Retriever.of(TestEmbedder.get(), store))
                .groundingChecker(GroundingChecker.of(TestEmbedder.get())).build()) {
            Explanation withIncidents = service.explainNow(Fixtures.poolAnomaly());
            Explanation withoutIncidents = service.explainNow(Fixtures.unknownAnomaly());
            assertThat(withIncidents.incidents()).isNotEmpty();
            assertThat(withoutIncidents.incidents()).isEmpty();
            Explanation unchecked = new TemplateExplainer().explain(Fixtures.poolAnomaly(), withIncidents.incidents());
            Explanation llm = new Explanation(withIncidents.signature(), "Invented cause on host zz-9.", "b", "c", "d",
                    "llm:some/model", null, withIncidents.incidents(), Grounding.unchecked());
            llm = llm.withGrounding(GroundingChecker.of(TestEmbedder.get()).check(llm, Fixtures.poolAnomaly()));
            assertThat(llm.grounding().flagged()).isNotEmpty();
            Incident sparse = Incident.builder("bare message", Instant.parse("2025-01-01T00:00:00Z")).build();
            Explanation sparseIncident = new TemplateExplainer().explain(Fixtures.poolAnomaly(),
                    List.of(new SimilarIncident(sparse, 0.75)));
            for (Explanation e : List.of(withIncidents, withoutIncidents, unchecked, llm, sparseIncident)) {
                String json = ExplanationJson.write(e);
                assertThat(errors(EXPLANATION, json)).as(json).isEmpty();
            }
            JsonNode doc = JSON.readTree(ExplanationJson.write(withIncidents));
            assertThat(doc.get("grounding").get("score").asDouble()).isEqualTo(withIncidents.grounding().score());
            assertThat(doc.get("incidents").get(0).get("id").asText()).isEqualTo("INC-101");
            assertThat(JSON.readTree(ExplanationJson.write(unchecked)).get("grounding").get("score").isNull()).isTrue();
        }
    }

    @Test
    void theSchemaRejectsBrokenDocuments() throws Exception {
        Explanation e = new TemplateExplainer().explain(Fixtures.poolAnomaly(), List.of());
        ObjectNode doc = (ObjectNode) JSON.readTree(ExplanationJson.write(e));
        assertThat(EXPLANATION.validate(doc)).isEmpty();

        ObjectNode missingSection = doc.deepCopy();
        ((ObjectNode) missingSection.get("sections")).remove("prevention_steps");
        assertThat(EXPLANATION.validate(missingSection)).isNotEmpty();

        ObjectNode badGenerator = doc.deepCopy();
        badGenerator.put("generator", "magic");
        assertThat(EXPLANATION.validate(badGenerator)).isNotEmpty();

        ObjectNode extra = doc.deepCopy();
        extra.put("confidence", "very high");
        assertThat(EXPLANATION.validate(extra)).isNotEmpty();
    }

    @Test
    void theAnswerSchemaAcceptsExactlyFourNonEmptySections() throws Exception {
        assertThat(errors(ANSWER, "{\"root_cause_analysis\":\"a\",\"impact_assessment\":\"b\",\"recommended_actions\":\"c\","
                + "\"prevention_steps\":\"d\"}")).isEmpty();
        assertThat(errors(ANSWER, "{\"root_cause_analysis\":\"a\",\"impact_assessment\":\"b\",\"recommended_actions\":\"c\"}"))
                .isNotEmpty();
        assertThat(errors(ANSWER, "{\"root_cause_analysis\":\"\",\"impact_assessment\":\"b\",\"recommended_actions\":\"c\","
                + "\"prevention_steps\":\"d\"}")).isNotEmpty();
        assertThat(errors(ANSWER, "{\"root_cause_analysis\":\"a\",\"impact_assessment\":\"b\",\"recommended_actions\":\"c\","
                + "\"prevention_steps\":\"d\",\"extra\":1}")).isNotEmpty();
    }
}
