package dev.anomalyops.rag;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Retrieval, the template explainer and the grounding checker together, with the real all-MiniLM-L6-v2
 * embedder: similar incidents are found, the explanation restates them, and the grounding check accepts
 * what the sources say and flags what they do not.
 */
class ExplanationPipelineTest {
    static IncidentStore store;
    static Retriever retriever;
    static GroundingChecker checker;

    @BeforeAll
    static void setUp() {
        store = Fixtures.store();
        retriever = Retriever.of(TestEmbedder.get(), store);
        checker = GroundingChecker.of(TestEmbedder.get());
    }

    @AfterAll
    static void tearDown() {
        store.close();
    }

    @Test
    void retrievesTheIncidentsAboutTheSameProblem() {
        List<SimilarIncident> hits = retriever.retrieve(Fixtures.poolAnomaly(), IncidentSearch.defaults());
        assertThat(hits).isNotEmpty();
        assertThat(hits.get(0).incident().id()).isEqualTo("INC-101");
        assertThat(hits).extracting(h -> h.incident().service()).containsOnly("payments");
        assertThat(hits).allSatisfy(h -> assertThat(h.similarity()).isGreaterThanOrEqualTo(0.7));
        assertThat(retriever.retrieve(Fixtures.unknownAnomaly(), IncidentSearch.defaults())).isEmpty();
    }

    @Test
    void theTemplateExplanationRestatesTheSourcesAndIsFullyGrounded() {
        AnomalyContext anomaly = Fixtures.poolAnomaly();
        List<SimilarIncident> hits = retriever.retrieve(anomaly, IncidentSearch.defaults());
        Explanation e = new TemplateExplainer().explain(anomaly, hits);
        assertThat(e.generator()).isEqualTo("template");
        assertThat(e.notice()).startsWith("Composed without a language model from " + hits.size());
        assertThat(e.rootCauseAnalysis()).contains("A slow report query held database connections for minutes.")
                .contains("INC-101").contains("db_active_connections = 50 (contribution +1.42)").contains("0.97");
        assertThat(e.recommendedActions()).contains("Killed the report query").contains("Moved the report to the read replica");
        assertThat(e.impactAssessment()).contains("critical").contains("payments");
        assertThat(e.signature()).isEqualTo(anomaly.signature());

        Grounding g = checker.check(e, anomaly);
        assertThat(g.checked()).isTrue();
        assertThat(g.flagged()).as("flagged: %s", g.flagged()).isEmpty();
        assertThat(g.score()).isEqualTo(1.0);
    }

    @Test
    void withNothingSimilarTheTemplateSaysSoAndInventsNoCause() {
        AnomalyContext anomaly = Fixtures.unknownAnomaly();
        Explanation e = new TemplateExplainer().explain(anomaly, List.of());
        assertThat(e.rootCauseAnalysis()).startsWith("No similar past incident was found");
        assertThat(e.recommendedActions()).contains("no known resolution applies");
        assertThat(e.incidents()).isEmpty();
        for (Incident known : Fixtures.incidents()) {
            assertThat(e.rootCauseAnalysis()).doesNotContain(known.rootCause());
        }
        Grounding g = checker.check(e, anomaly);
        assertThat(g.flagged()).as("flagged: %s", g.flagged()).isEmpty();
    }

    @Test
    void flagsInventedCausesNumbersAndHostsButAcceptsParaphrases() {
        AnomalyContext anomaly = Fixtures.poolAnomaly();
        List<SimilarIncident> hits = retriever.retrieve(anomaly, IncidentSearch.defaults());
        Explanation answer = new Explanation(anomaly.signature(),
                "The pool ran out of connections because a slow reporting query kept them busy, as in incident [1]. "
                        + "The root cause was a failed disk controller on storage node st-12.",
                "Payments were affected with critical severity.",
                "Kill the slow report query. Reboot the database cluster at 14:32 and restore it from backup 8812.",
                "Move reports to the read replica. Buy faster network switches from the vendor.",
                "llm:test", null, hits, Grounding.unchecked());
        Grounding g = checker.check(answer, anomaly);
        List<String> flagged = g.flagged().stream().map(SentenceCheck::sentence).toList();
        assertThat(flagged).contains(
                "The root cause was a failed disk controller on storage node st-12.",
                "Reboot the database cluster at 14:32 and restore it from backup 8812.",
                "Buy faster network switches from the vendor.");
        assertThat(flagged).doesNotContain(
                "The pool ran out of connections because a slow reporting query kept them busy, as in incident [1].",
                "Payments were affected with critical severity.",
                "Kill the slow report query.",
                "Move reports to the read replica.");
        SentenceCheck invented = g.sentences().stream().filter(s -> s.sentence().contains("14:32")).findFirst().orElseThrow();
        assertThat(invented.unsupportedTerms()).contains("14:32", "8812");
        assertThat(g.score()).isEqualTo(4.0 / 7.0);
    }
}
