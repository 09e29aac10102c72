package dev.anomalyops.rag.llm;

import static dev.anomalyops.rag.llm.FakeOpenAiServer.Reply;
import static org.assertj.core.api.Assertions.assertThat;

import dev.anomalyops.rag.AnomalyContext;
import dev.anomalyops.rag.CircuitBreaker;
import dev.anomalyops.rag.Explainer;
import dev.anomalyops.rag.Explanation;
import dev.anomalyops.rag.ExplanationService;
import dev.anomalyops.rag.Fixtures;
import dev.anomalyops.rag.Retriever;
import dev.anomalyops.rag.TestEmbedder;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * Dependency faults on the explanation path (issue 14): the language model endpoint is down (nothing listens on its
 * port), slow (answers after 10 s, the client gives up after 3 s) or answers garbage (HTML with status 200). Each
 * time the explanation degrades to the template explainer with the reason in its notice; after three consecutive
 * failures the circuit breaker opens, and the next explanation falls back at once without calling the endpoint;
 * once the open period has passed on the injected clock, a trial call against the healthy endpoint closes it again.
 * The language model is {@link FakeOpenAiServer}, an in-process OpenAI-compatible HTTP server on loopback (no vLLM
 * can run here); the breaker's metrics are read from a Micrometer registry.
 */
class ExplanationFaultsTest {
    @Test
    void languageModelFaultsDegradeToTheTemplateAndTheBreakerOpensAndCloses() throws Exception {
        ManualClock clock = new ManualClock(Instant.parse("2026-11-29T10:00:00Z"));
        SimpleMeterRegistry metrics = new SimpleMeterRegistry();
        CircuitBreaker breaker = CircuitBreaker.builder("llm").failureThreshold(3).openFor(Duration.ofSeconds(30))
                .clock(clock).meterRegistry(metrics).build();
        AnomalyContext anomaly = Fixtures.poolAnomaly();
        try (FakeOpenAiServer server = new FakeOpenAiServer()) {
            Explainer healthy = new LlmExplainer(client(server.baseUrl()));
            Explainer down = new LlmExplainer(client(URI.create("http://127.0.0.1:" + freePort() + "/v1")));
            AtomicReference<Explainer> endpoint = new AtomicReference<>(healthy);
            Explainer switchable = new Explainer() {
                @Override
                public String name() {
                    return "llm:test-model";
                }

                @Override
                public Explanation explain(AnomalyContext a, java.util.List<dev.anomalyops.rag.SimilarIncident> i) {
                    return endpoint.get().explain(a, i);
                }
            };
            try (ExplanationService service = ExplanationService.builder(Retriever.of(TestEmbedder.get(),
                    Fixtures.store())).explainer(breaker.explainer(switchable)).build()) {
                server.enqueue(Reply.json(200, FakeOpenAiServer.chat(LlmExplainerTest.ANSWER, "stop", 60)));
                Explanation ok = service.explainNow(anomaly);
                assertThat(ok.generator()).isEqualTo("llm:test-model");
                assertThat(ok.notice()).isNull();

                // Garbage: status 200 with an HTML body.
                server.enqueue(new Reply(200, "text/html", java.util.List.of("<html>502 Bad Gateway</html>"), 0, 0,
                        java.util.Map.of()));
                assertFallback(service.explainNow(anomaly), "The language model failed");
                // Slow: the answer would come after 10 s; the client's 3 s time-out ends the wait.
                server.enqueue(Reply.json(200, FakeOpenAiServer.chat(LlmExplainerTest.ANSWER, "stop", 60))
                        .delayed(10_000));
                long start = System.nanoTime();
                assertFallback(service.explainNow(anomaly), "The language model failed");
                assertThat((System.nanoTime() - start) / 1e9).isLessThan(8);
                assertThat(breaker.state()).isEqualTo(CircuitBreaker.State.CLOSED);
                // Down: nothing listens.
                endpoint.set(down);
                assertFallback(service.explainNow(anomaly), "The language model failed");
                assertThat(breaker.state()).isEqualTo(CircuitBreaker.State.OPEN);
                assertThat(metrics.get("anomalyops_circuit_state").tag("breaker", "llm").gauge().value()).isEqualTo(1);

                // Open: back to the healthy endpoint, but the breaker answers at once without calling it.
                endpoint.set(healthy);
                int requests = server.requests.size();
                start = System.nanoTime();
                Explanation rejected = service.explainNow(anomaly);
                assertFallback(rejected, "circuit breaker \"llm\" is open");
                assertThat(server.requests).hasSize(requests);
                assertThat(metrics.get("anomalyops_circuit_rejected").tag("breaker", "llm").counter().count())
                        .isEqualTo(1);

                // After the open period: one trial call, which succeeds and closes the breaker.
                clock.advance(Duration.ofSeconds(31));
                server.enqueue(Reply.json(200, FakeOpenAiServer.chat(LlmExplainerTest.ANSWER, "stop", 60)));
                Explanation recovered = service.explainNow(anomaly);
                assertThat(recovered.generator()).isEqualTo("llm:test-model");
                assertThat(recovered.notice()).isNull();
                assertThat(breaker.state()).isEqualTo(CircuitBreaker.State.CLOSED);
                assertThat(metrics.get("anomalyops_circuit_state").tag("breaker", "llm").gauge().value()).isZero();
                for (String to : new String[] {"open", "half_open", "closed"}) {
                    assertThat(metrics.get("anomalyops_circuit_transitions").tags("breaker", "llm", "to", to)
                            .counter().count()).as(to).isEqualTo(1);
                }
            }
        }
    }

    @Test
    void aFailedTrialOpensTheBreakerAgain() {
        ManualClock clock = new ManualClock(Instant.parse("2026-11-29T10:00:00Z"));
        CircuitBreaker breaker = CircuitBreaker.builder("store").failureThreshold(1).openFor(Duration.ofSeconds(10))
                .clock(clock).build();
        Runnable fail = () -> {
            try {
                breaker.call(() -> {
                    throw new IllegalStateException("down");
                });
            } catch (IllegalStateException expected) {
                // the dependency's own failure passes through
            }
        };
        fail.run();
        assertThat(breaker.state()).isEqualTo(CircuitBreaker.State.OPEN);
        clock.advance(Duration.ofSeconds(9));
        assertThat(org.assertj.core.api.Assertions.catchThrowable(() -> breaker.call(() -> 1)))
                .isInstanceOf(dev.anomalyops.core.RetriableException.class).hasMessageContaining("\"store\" is open");
        clock.advance(Duration.ofSeconds(1));
        fail.run();
        assertThat(breaker.state()).isEqualTo(CircuitBreaker.State.OPEN);
        clock.advance(Duration.ofSeconds(10));
        assertThat(breaker.call(() -> 42)).isEqualTo(42);
        assertThat(breaker.state()).isEqualTo(CircuitBreaker.State.CLOSED);
    }

    private static void assertFallback(Explanation explanation, String reason) {
        assertThat(explanation.generator()).isEqualTo("template");
        assertThat(explanation.notice()).contains(reason);
    }

    private static OpenAiCompatibleClient client(URI base) {
        return new OpenAiCompatibleClient(LlmConfig.builder(base, "test-model").retries(0, Duration.ZERO)
                .timeouts(Duration.ofSeconds(1), Duration.ofSeconds(3), Duration.ofSeconds(3)).build());
    }

    private static int freePort() throws java.io.IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    /** A clock the test moves by hand. */
    private static final class ManualClock extends Clock {
        private volatile Instant now;

        ManualClock(Instant start) {
            this.now = start;
        }

        void advance(Duration d) {
            now = now.plus(d);
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }
}
