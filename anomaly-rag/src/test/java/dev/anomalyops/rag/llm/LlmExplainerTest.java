package dev.anomalyops.rag.llm;

import static dev.anomalyops.rag.llm.FakeOpenAiServer.Reply;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.anomalyops.rag.AnomalyContext;
import dev.anomalyops.rag.Explanation;
import dev.anomalyops.rag.Fixtures;
import dev.anomalyops.rag.Incident;
import dev.anomalyops.rag.PromptTemplate;
import dev.anomalyops.rag.SimilarIncident;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The LLM explainer against {@link FakeOpenAiServer} (an in-process OpenAI-compatible HTTP server). */
class LlmExplainerTest {
    static final String ANSWER = "{\"root_cause_analysis\":\"A slow report query held connections, as in [1].\","
            + "\"impact_assessment\":\"Payments failed.\",\"recommended_actions\":\"Kill the report query.\","
            + "\"prevention_steps\":\"Move reports to the read replica.\"}";

    FakeOpenAiServer server;
    AnomalyContext anomaly = Fixtures.poolAnomaly();
    List<SimilarIncident> incidents;

    @BeforeEach
    void start() throws Exception {
        server = new FakeOpenAiServer();
        Incident first = Fixtures.incidents().get(0);
        incidents = List.of(new SimilarIncident(first, 0.93));
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private OpenAiCompatibleClient client(LlmConfig.StructuredOutput mode) {
        return new OpenAiCompatibleClient(LlmConfig.builder(server.baseUrl(), "test-model").structuredOutput(mode)
                .retries(0, Duration.ZERO).build());
    }

    @Test
    void asksWithThePromptAndSchemaAndParsesTheJsonAnswer() {
        server.enqueue(Reply.json(200, FakeOpenAiServer.chat(ANSWER, "stop", 60)));
        Explanation e = new LlmExplainer(client(LlmConfig.StructuredOutput.RESPONSE_FORMAT)).explain(anomaly, incidents);
        assertThat(e.rootCauseAnalysis()).isEqualTo("A slow report query held connections, as in [1].");
        assertThat(e.preventionSteps()).isEqualTo("Move reports to the read replica.");
        assertThat(e.generator()).isEqualTo("llm:test-model");
        assertThat(e.incidents()).isEqualTo(incidents);

        String user = server.requests.get(0).body().get("messages").get(1).get("content").asText();
        assertThat(user).contains("Log message: " + anomaly.message())
                .contains("Anomaly score: 0.97 (decision threshold 0.5)")
                .contains("- db_active_connections = 50, contribution +1.42")
                .contains("[1] similarity 0.93, incident INC-101")
                .contains("Root cause: A slow report query held database connections for minutes.")
                .contains("Root cause analysis").contains("Impact assessment").contains("Recommended actions")
                .contains("Prevention steps").contains("one JSON object");
        assertThat(server.requests.get(0).body().get("messages").get(0).get("content").asText())
                .isEqualTo(PromptTemplate.DEFAULT_ROLE);
        assertThat(server.requests.get(0).body().has("response_format")).isTrue();
    }

    @Test
    void withoutGuidedDecodingAsksForHeadingsAndParsesThem() {
        server.enqueue(Reply.json(200, FakeOpenAiServer.chat("## Root cause analysis\nSlow query [1].\n## Impact assessment\n"
                + "Payments.\n## Recommended actions\nKill it.\n## Prevention steps\nReplica.", "stop", 30)));
        Explanation e = new LlmExplainer(client(LlmConfig.StructuredOutput.NONE)).explain(anomaly, incidents);
        assertThat(e.recommendedActions()).isEqualTo("Kill it.");
        assertThat(server.requests.get(0).body().get("messages").get(1).get("content").asText())
                .contains("## Root cause analysis").doesNotContain("one JSON object");
    }

    @Test
    void streamsWhenAListenerIsGiven() {
        List<String> pieces = new ArrayList<>();
        for (int i = 0; i < ANSWER.length(); i += 20) {
            pieces.add(ANSWER.substring(i, Math.min(ANSWER.length(), i + 20)));
        }
        server.enqueue(Reply.sse(FakeOpenAiServer.chatStream(pieces, pieces.size()), 0));
        StringBuilder seen = new StringBuilder();
        Explanation e = new LlmExplainer(client(LlmConfig.StructuredOutput.RESPONSE_FORMAT), PromptTemplate.defaults(),
                seen::append, 0).explain(anomaly, incidents);
        assertThat(seen.toString()).isEqualTo(ANSWER);
        assertThat(e.impactAssessment()).isEqualTo("Payments failed.");
    }

    @Test
    void asksAgainAfterAMalformedAnswerThenGivesUp() {
        server.enqueue(Reply.json(200, FakeOpenAiServer.chat("{\"root_cause_analysis\": \"The pool", "length", 500)),
                Reply.json(200, FakeOpenAiServer.chat(ANSWER, "stop", 60)));
        assertThat(new LlmExplainer(client(LlmConfig.StructuredOutput.RESPONSE_FORMAT)).explain(anomaly, incidents)
                .impactAssessment()).isEqualTo("Payments failed.");
        assertThat(server.requests).hasSize(2);

        server.enqueue(Reply.json(200, FakeOpenAiServer.chat("not json", "stop", 2)),
                Reply.json(200, FakeOpenAiServer.chat("{\"root_cause_analysis\": \"cut", "length", 500)));
        assertThatThrownBy(() -> new LlmExplainer(client(LlmConfig.StructuredOutput.RESPONSE_FORMAT)).explain(anomaly, incidents))
                .isInstanceOf(MalformedAnswerException.class).hasMessageContaining("cut off at max_tokens 500");
    }
}
