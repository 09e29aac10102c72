package dev.anomalyops.rag;

import static org.assertj.core.api.Assertions.assertThat;

import dev.anomalyops.core.RetriableException;
import dev.anomalyops.rag.llm.LlmConfig;
import dev.anomalyops.rag.llm.LlmExplainer;
import dev.anomalyops.rag.llm.OpenAiCompatibleClient;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The asynchronous service: confidence gate, cache by signature, shared computations, load shedding, fallbacks. */
class ExplanationServiceTest {
    static IncidentStore store;

    @BeforeAll
    static void setUp() {
        store = Fixtures.store();
    }

    @AfterAll
    static void tearDown() {
        store.close();
    }

    /** A retriever that counts calls and can be made to wait. */
    static final class CountingRetriever implements Retriever {
        final Retriever delegate = Retriever.of(TestEmbedder.get(), store);
        final AtomicInteger calls = new AtomicInteger();
        volatile CountDownLatch gate = new CountDownLatch(0);

        @Override
        public List<SimilarIncident> retrieve(AnomalyContext anomaly, IncidentSearch search) {
            calls.incrementAndGet();
            try {
                gate.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return delegate.retrieve(anomaly, search);
        }
    }

    @Test
    void skipsLowConfidenceAndCachesBySignature() throws Exception {
        CountingRetriever retriever = new CountingRetriever();
        try (ExplanationService service = ExplanationService.builder(retriever)
                .groundingChecker(GroundingChecker.of(TestEmbedder.get())).build()) {
            AnomalyContext low = AnomalyContext.builder("Connection pool exhausted", 0.85).service("payments").build();
            assertThat(service.submit(low).state()).isEqualTo(ExplanationService.State.SKIPPED);
            assertThat(retriever.calls).hasValue(0);

            AnomalyContext anomaly = Fixtures.poolAnomaly();
            ExplanationService.Submission first = service.submit(anomaly);
            assertThat(first.state()).isEqualTo(ExplanationService.State.PENDING);
            Explanation e = first.pending().get(30, TimeUnit.SECONDS);
            assertThat(e.generator()).isEqualTo("template");
            assertThat(e.grounding().checked()).isTrue();

            // The same kind of anomaly with other numbers: same signature, served from the cache.
            AnomalyContext again = AnomalyContext.builder("Connection pool exhausted: 48 of 50 connections busy on payments-db", 0.91)
                    .service("payments").feature("db_active_connections", 48, 1.3).feature("p99_latency_ms", 2100, 0.7)
                    .feature("cpu_user", 0.2, -0.01).build();
            assertThat(again.signature()).isEqualTo(anomaly.signature());
            ExplanationService.Submission second = service.submit(again);
            assertThat(second.state()).isEqualTo(ExplanationService.State.READY);
            assertThat(second.explanation()).isSameAs(e);
            assertThat(service.cached(anomaly.signature())).containsSame(e);
            assertThat(retriever.calls).hasValue(1);
        }
    }

    @Test
    void sharesOneComputationAndShedsLoadWithoutBlocking() throws Exception {
        CountingRetriever retriever = new CountingRetriever();
        retriever.gate = new CountDownLatch(1);
        try (ExplanationService service = ExplanationService.builder(retriever).threads(1, 1).build()) {
            AnomalyContext a = Fixtures.poolAnomaly();
            long start = System.nanoTime();
            ExplanationService.Submission s1 = service.submit(a);
            ExplanationService.Submission s2 = service.submit(a);
            ExplanationService.Submission queued = service.submit(AnomalyContext.builder("Disk usage at 97% on broker-3", 0.99).build());
            ExplanationService.Submission rejected = service.submit(AnomalyContext.builder("OutOfMemoryError in checkout", 0.99).build());
            assertThat(System.nanoTime() - start).isLessThan(TimeUnit.SECONDS.toNanos(2));
            assertThat(s1.state()).isEqualTo(ExplanationService.State.PENDING);
            assertThat(s2.state()).isEqualTo(ExplanationService.State.PENDING);
            assertThat(queued.state()).isEqualTo(ExplanationService.State.PENDING);
            assertThat(rejected.state()).isEqualTo(ExplanationService.State.REJECTED);
            assertThat(service.explain(AnomalyContext.builder("another", 0.2).build()))
                    .failsWithin(Duration.ofSeconds(5)).withThrowableThat().withCauseInstanceOf(RetriableException.class);
            retriever.gate.countDown();
            assertThat(s1.pending().get(30, TimeUnit.SECONDS)).isEqualTo(s2.pending().get(30, TimeUnit.SECONDS));
            queued.pending().get(30, TimeUnit.SECONDS);
            assertThat(retriever.calls).hasValue(2);
        }
    }

    @Test
    void cachedExplanationsExpire() throws Exception {
        CountingRetriever retriever = new CountingRetriever();
        MutableClock clock = new MutableClock();
        try (ExplanationService service = ExplanationService.builder(retriever).cache(10, Duration.ofMinutes(5)).clock(clock).build()) {
            AnomalyContext a = Fixtures.poolAnomaly();
            service.explain(a).get(30, TimeUnit.SECONDS);
            assertThat(service.cached(a.signature())).isPresent();
            clock.now = clock.now.plus(Duration.ofMinutes(6));
            assertThat(service.cached(a.signature())).isEmpty();
            service.explain(a).get(30, TimeUnit.SECONDS);
            assertThat(retriever.calls).hasValue(2);
        }
    }

    @Test
    void withoutIncidentsTheModelIsNotAskedAndTheAnswerSaysSo() throws Exception {
        // A model URL nothing listens on: asking it would fail.
        OpenAiCompatibleClient unreachable = new OpenAiCompatibleClient(LlmConfig.builder(
                java.net.URI.create("http://127.0.0.1:9/v1"), "m").retries(0, Duration.ZERO).build());
        try (ExplanationService service = ExplanationService.builder(Retriever.of(TestEmbedder.get(), store))
                .explainer(new LlmExplainer(unreachable)).groundingChecker(GroundingChecker.of(TestEmbedder.get())).build()) {
            Explanation none = service.explain(Fixtures.unknownAnomaly()).get(30, TimeUnit.SECONDS);
            assertThat(none.generator()).isEqualTo("template");
            assertThat(none.notice()).contains("No similar past incident was found").contains("was not asked");
            assertThat(none.rootCauseAnalysis()).startsWith("No similar past incident was found");
            assertThat(none.grounding().flagged()).isEmpty();

            // With incidents the model is asked; it is unreachable, so the template answers and says why.
            Explanation fallback = service.explain(Fixtures.poolAnomaly()).get(30, TimeUnit.SECONDS);
            assertThat(fallback.generator()).isEqualTo("template");
            assertThat(fallback.notice()).startsWith("The language model failed (Could not connect");
            assertThat(fallback.incidents()).isNotEmpty();
        }
    }

    static final class MutableClock extends Clock {
        Instant now = Instant.parse("2025-06-01T00:00:00Z");

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }
}
