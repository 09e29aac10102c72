package dev.anomalyops.rag.llm;

import static dev.anomalyops.rag.llm.FakeOpenAiServer.Reply;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.anomalyops.core.ConfigurationException;
import dev.anomalyops.core.NonRetriableException;
import dev.anomalyops.core.NotFoundException;
import dev.anomalyops.core.RetriableException;
import dev.anomalyops.rag.ExplanationJson;
import dev.anomalyops.rag.Prompt;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The OpenAI-compatible client against {@link FakeOpenAiServer}, an in-process HTTP server on loopback that
 * speaks the protocol as vLLM does (no vLLM can run here): whole answers and SSE streams on both
 * endpoints, the three structured-output dialects, HTTP errors and retries, time-outs, silent streams,
 * error events and malformed JSON.
 */
class OpenAiCompatibleClientTest {
    static final Prompt PROMPT = new Prompt("You are an SRE.", "Explain: disk full on db-7.");

    FakeOpenAiServer server;
    SimpleMeterRegistry registry = new SimpleMeterRegistry();

    @BeforeEach
    void start() throws Exception {
        server = new FakeOpenAiServer();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private LlmConfig.Builder config() {
        return LlmConfig.builder(server.baseUrl(), "test-model")
                .timeouts(Duration.ofSeconds(2), Duration.ofSeconds(2), Duration.ofMillis(500))
                .retries(2, Duration.ofMillis(10));
    }

    private OpenAiCompatibleClient client(LlmConfig config) {
        return new OpenAiCompatibleClient(config, registry);
    }

    @Test
    void chatCompletionSendsTheRequestVllmExpectsAndReadsTheAnswer() {
        server.enqueue(Reply.json(200, FakeOpenAiServer.chat("The disk is full.", "stop", 7)));
        Completion c = client(config().apiKey("k-123").build()).complete(PROMPT, null);
        assertThat(c.text()).isEqualTo("The disk is full.");
        assertThat(c.finishReason()).isEqualTo("stop");
        assertThat(c.promptTokens()).isEqualTo(42);
        assertThat(c.completionTokens()).isEqualTo(7);
        assertThat(c.model()).isEqualTo("test-model");

        FakeOpenAiServer.Request r = server.requests.get(0);
        assertThat(r.path()).isEqualTo("/v1/chat/completions");
        assertThat(r.header("Authorization")).isEqualTo("Bearer k-123");
        assertThat(r.header("Upgrade")).isNull();
        assertThat(r.body().get("model").asText()).isEqualTo("test-model");
        assertThat(r.body().get("max_tokens").asInt()).isEqualTo(500);
        assertThat(r.body().get("temperature").asDouble()).isEqualTo(0.7);
        assertThat(r.body().get("messages").get(0).get("role").asText()).isEqualTo("system");
        assertThat(r.body().get("messages").get(1).get("content").asText()).isEqualTo(PROMPT.user());
        assertThat(r.body().has("stream")).isFalse();
        assertThat(registry.get(OpenAiCompatibleClient.TOKENS_GENERATED).counter().count()).isEqualTo(7);
        assertThat(registry.get(OpenAiCompatibleClient.GENERATION_SECONDS).tag("outcome", "success").timer().count()).isEqualTo(1);
    }

    @Test
    void theJdkClientsDefaultHttp2UpgradeIsWhatVllmRejects() throws Exception {
        // Why the client forces HTTP/1.1: the JDK default offers h2c, and the server then loses the body.
        HttpClient defaultClient = HttpClient.newHttpClient();
        HttpResponse<String> r = defaultClient.send(HttpRequest.newBuilder(URI.create(server.baseUrl() + "/chat/completions"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"test-model\",\"messages\":[]}")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(r.body()).contains("Field required");
        assertThat(client(config().build()).complete(PROMPT, null).text()).isEqualTo("Default answer.");
    }

    @Test
    void completionsEndpointSendsOnePromptText() {
        server.enqueue(Reply.json(200, FakeOpenAiServer.completion("Answer text", "length", 500)));
        Completion c = client(config().endpoint(LlmConfig.Endpoint.COMPLETIONS).build()).complete(PROMPT, null);
        assertThat(c.text()).isEqualTo("Answer text");
        assertThat(c.finishReason()).isEqualTo("length");
        FakeOpenAiServer.Request r = server.requests.get(0);
        assertThat(r.path()).isEqualTo("/v1/completions");
        assertThat(r.body().get("prompt").asText()).startsWith(PROMPT.system()).contains(PROMPT.user()).endsWith("Answer:\n");
        assertThat(r.body().has("messages")).isFalse();
    }

    @Test
    void requestsStructuredOutputInEachDialect() throws Exception {
        String schema = ExplanationJson.answerSchema();
        JsonNode expected = FakeOpenAiServer.JSON.readTree(schema);

        client(config().build()).complete(PROMPT, schema);
        JsonNode format = server.requests.get(0).body().get("response_format");
        assertThat(format.get("type").asText()).isEqualTo("json_schema");
        assertThat(format.get("json_schema").get("name").asText()).isEqualTo("anomaly_explanation");
        assertThat(format.get("json_schema").get("schema")).isEqualTo(expected);
        assertThat(format.get("json_schema").get("strict").asBoolean()).isTrue();

        client(config().structuredOutput(LlmConfig.StructuredOutput.STRUCTURED_OUTPUTS).build()).complete(PROMPT, schema);
        assertThat(server.requests.get(1).body().get("structured_outputs").get("json")).isEqualTo(expected);

        client(config().structuredOutput(LlmConfig.StructuredOutput.GUIDED_JSON).build()).complete(PROMPT, schema);
        assertThat(server.requests.get(2).body().get("guided_json")).isEqualTo(expected);

        client(config().structuredOutput(LlmConfig.StructuredOutput.NONE).build()).complete(PROMPT, schema);
        JsonNode plain = server.requests.get(3).body();
        assertThat(plain.has("response_format") || plain.has("structured_outputs") || plain.has("guided_json")).isFalse();
    }

    @Test
    void streamsChatDeltasAsTheyArrive() {
        server.enqueue(Reply.sse(FakeOpenAiServer.chatStream(List.of("The ", "disk ", "is ", "full."), 4), 20));
        List<String> pieces = new ArrayList<>();
        Completion c = client(config().build()).stream(PROMPT, null, pieces::add);
        assertThat(pieces).containsExactly("The ", "disk ", "is ", "full.");
        assertThat(c.text()).isEqualTo("The disk is full.");
        assertThat(c.finishReason()).isEqualTo("stop");
        assertThat(c.completionTokens()).isEqualTo(4);
        assertThat(c.promptTokens()).isEqualTo(30);
        JsonNode body = server.requests.get(0).body();
        assertThat(body.get("stream").asBoolean()).isTrue();
        assertThat(body.get("stream_options").get("include_usage").asBoolean()).isTrue();
        assertThat(registry.get(OpenAiCompatibleClient.GENERATION_SECONDS).tag("stream", "true").timer().count()).isEqualTo(1);
    }

    @Test
    void streamsCompletionsSkippingCommentsAndCountingEventsWithoutUsage() {
        List<String> events = new ArrayList<>(FakeOpenAiServer.completionStream(List.of("a", "b", "c")));
        events.add(0, ": keep-alive");
        server.enqueue(Reply.sse(events, 0));
        Completion c = client(config().endpoint(LlmConfig.Endpoint.COMPLETIONS).build()).stream(PROMPT, null, t -> { });
        assertThat(c.text()).isEqualTo("abc");
        assertThat(c.completionTokens()).isEqualTo(3);
    }

    @Test
    void retriesThrottlingAndServerErrorsThenSucceeds() {
        server.enqueue(Reply.json(429, FakeOpenAiServer.error("Too many requests", "RateLimitError", 429)).withHeader("Retry-After", "0"),
                Reply.json(503, FakeOpenAiServer.error("Engine overloaded", "ServiceUnavailableError", 503)),
                Reply.json(200, FakeOpenAiServer.chat("ok", "stop", 1)));
        assertThat(client(config().build()).complete(PROMPT, null).text()).isEqualTo("ok");
        assertThat(server.requests).hasSize(3);
        assertThat(registry.get(OpenAiCompatibleClient.GENERATION_SECONDS).tag("outcome", "error").timer().count()).isEqualTo(2);
    }

    @Test
    void givesUpAfterTheRetriesWithARetriableException() {
        for (int i = 0; i < 3; i++) {
            server.enqueue(Reply.json(500, FakeOpenAiServer.error("CUDA out of memory", "InternalServerError", 500)));
        }
        assertThatThrownBy(() -> client(config().build()).complete(PROMPT, null))
                .isInstanceOf(RetriableException.class)
                .hasMessageContaining("answered 500").hasMessageContaining("CUDA out of memory");
        assertThat(server.requests).hasSize(3);
    }

    @Test
    void clientErrorsAreNotRetriedAndCarryTheServersMessageInEveryShape() {
        server.enqueue(Reply.json(400, FakeOpenAiServer.error("This model's maximum context length is 4096 tokens",
                "BadRequestError", 400)));
        assertThatThrownBy(() -> client(config().build()).complete(PROMPT, null))
                .isInstanceOf(NonRetriableException.class).isNotInstanceOf(NotFoundException.class)
                .hasMessageContaining("answered 400").hasMessageContaining("maximum context length");
        assertThat(server.requests).hasSize(1);

        server.enqueue(Reply.json(400, "{\"object\":\"error\",\"message\":\"old flat shape\",\"type\":\"BadRequestError\",\"code\":400}"));
        assertThatThrownBy(() -> client(config().build()).complete(PROMPT, null)).hasMessageContaining("old flat shape");

        server.enqueue(Reply.json(422, "{\"detail\":[{\"loc\":[\"body\",\"messages\"],\"msg\":\"field required\"}]}"));
        assertThatThrownBy(() -> client(config().build()).complete(PROMPT, null)).isInstanceOf(NonRetriableException.class)
                .hasMessageContaining("field required");

        server.enqueue(Reply.json(404, FakeOpenAiServer.error("The model `nope` does not exist.", "NotFoundError", 404)));
        assertThatThrownBy(() -> client(config().build()).complete(PROMPT, null)).isInstanceOf(NotFoundException.class)
                .hasMessageContaining("does not exist");

        server.enqueue(Reply.json(401, "Unauthorized"));
        assertThatThrownBy(() -> client(config().build()).complete(PROMPT, null)).isInstanceOf(NonRetriableException.class)
                .hasMessageContaining("401").hasMessageContaining("Unauthorized");
    }

    @Test
    void aSlowAnswerTimesOutAndIsRetried() {
        server.enqueue(Reply.json(200, FakeOpenAiServer.chat("late", "stop", 1)).delayed(1500),
                Reply.json(200, FakeOpenAiServer.chat("on time", "stop", 1)));
        LlmConfig config = config().timeouts(Duration.ofSeconds(1), Duration.ofMillis(300), Duration.ofMillis(300)).build();
        assertThat(client(config).complete(PROMPT, null).text()).isEqualTo("on time");

        server.enqueue(Reply.json(200, FakeOpenAiServer.chat("late", "stop", 1)).delayed(1000));
        assertThatThrownBy(() -> client(config.toBuilder().retries(0, Duration.ZERO).build()).complete(PROMPT, null))
                .isInstanceOf(RetriableException.class).hasMessageContaining("did not answer within");
    }

    @Test
    void aStreamThatGoesSilentIsRetriedOnlyWhileNoTextWasDelivered() {
        // Silent right after the role chunk (no text yet): retried, up to the retry limit.
        for (int i = 0; i < 3; i++) {
            server.enqueue(Reply.sse(FakeOpenAiServer.chatStream(List.of("late"), 1), 1200));
        }
        assertThatThrownBy(() -> client(config().build()).stream(PROMPT, null, t -> { }))
                .isInstanceOf(RetriableException.class).hasMessageContaining("sent nothing for");
        assertThat(server.requests).hasSize(3);

        // Silent after some text reached the caller: not retried (the caller cannot take text back).
        List<String> events = FakeOpenAiServer.chatStream(List.of("partial ", "answer"), 2);
        String first = "data: " + events.get(0) + "\n\ndata: " + events.get(1) + "\n\n";
        server.enqueue(new Reply(200, "text/event-stream", List.of(first, "data: " + events.get(2) + "\n\n"), 0, 1200,
                java.util.Map.of()));
        List<String> pieces = new ArrayList<>();
        assertThatThrownBy(() -> client(config().build()).stream(PROMPT, null, pieces::add))
                .isInstanceOf(RetriableException.class).hasMessageContaining("sent nothing for");
        assertThat(pieces).containsExactly("partial ");
        assertThat(server.requests).hasSize(4);
    }

    @Test
    void aServerThatIgnoresStreamAndAnswersWholeIsStillRead() {
        server.enqueue(Reply.json(200, FakeOpenAiServer.chat("whole answer", "stop", 2)));
        List<String> pieces = new ArrayList<>();
        Completion c = client(config().build()).stream(PROMPT, null, pieces::add);
        assertThat(c.text()).isEqualTo("whole answer");
        assertThat(pieces).containsExactly("whole answer");
    }

    @Test
    void anErrorEventInsideAStreamIsMapped() {
        server.enqueue(Reply.sse(List.of(FakeOpenAiServer.chatChunk("{\"content\":\"Some\"}", null),
                "{\"error\":{\"message\":\"engine died\",\"type\":\"InternalServerError\",\"code\":500}}"), 0));
        assertThatThrownBy(() -> client(config().build()).stream(PROMPT, null, t -> { }))
                .isInstanceOf(RetriableException.class).hasMessageContaining("engine died");
        assertThat(server.requests).hasSize(1); // text had been delivered: no retry

        server.enqueue(Reply.sse(List.of("{\"error\":{\"message\":\"bad logit_bias\",\"type\":\"BadRequestError\",\"code\":400}}"), 0));
        assertThatThrownBy(() -> client(config().build()).stream(PROMPT, null, t -> { }))
                .isInstanceOf(NonRetriableException.class).hasMessageContaining("bad logit_bias");
    }

    @Test
    void malformedResponsesAreReportedNotSwallowed() {
        server.enqueue(Reply.json(200, "{\"id\": \"chatcmpl-1\", \"choices\": [ {\"message\": "));
        assertThatThrownBy(() -> client(config().build()).complete(PROMPT, null)).isInstanceOf(NonRetriableException.class)
                .hasMessageContaining("not JSON");
        server.enqueue(Reply.json(200, "{\"id\":\"x\",\"object\":\"chat.completion\"}"));
        assertThatThrownBy(() -> client(config().build()).complete(PROMPT, null)).isInstanceOf(NonRetriableException.class)
                .hasMessageContaining("without choices");
        server.enqueue(Reply.sse(List.of("{not json"), 0));
        assertThatThrownBy(() -> client(config().build()).stream(PROMPT, null, t -> { })).isInstanceOf(NonRetriableException.class)
                .hasMessageContaining("stream event that is not JSON");
        server.enqueue(Reply.json(200, FakeOpenAiServer.chat("", "abort", 0)));
        server.enqueue(Reply.json(200, FakeOpenAiServer.chat("", "abort", 0)));
        server.enqueue(Reply.json(200, FakeOpenAiServer.chat("", "abort", 0)));
        assertThatThrownBy(() -> client(config().build()).complete(PROMPT, null)).isInstanceOf(RetriableException.class)
                .hasMessageContaining("abort");
    }

    @Test
    void anUnreachableServerIsRetriable() {
        server.close();
        assertThatThrownBy(() -> client(config().retries(1, Duration.ofMillis(1)).build()).complete(PROMPT, null))
                .isInstanceOf(RetriableException.class).hasMessageContaining("127.0.0.1");
    }

    @Test
    void listsModelsAndValidatesItsConfiguration() {
        assertThat(client(config().build()).models()).containsExactly("test-model");
        assertThatThrownBy(() -> LlmConfig.builder(URI.create("ftp://x"), " ").maxTokens(0).temperature(3)
                .retries(-1, Duration.ZERO).build())
                .isInstanceOfSatisfying(ConfigurationException.class, e -> assertThat(e.violations()).hasSize(5));
        assertThat(config().apiKey("secret-key").build().toString()).doesNotContain("secret-key");
    }
}
