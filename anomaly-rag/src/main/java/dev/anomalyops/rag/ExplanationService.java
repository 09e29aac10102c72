package dev.anomalyops.rag;

import dev.anomalyops.core.ConfigurationException;
import dev.anomalyops.core.RetriableException;
import dev.anomalyops.rag.internal.LruCache;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Explains anomalies off the scoring path: retrieval, generation and the grounding check run on the
 * service's own small thread pool, and results are cached by {@link AnomalyContext#signature()}, so the
 * same kind of anomaly is explained once (per time to live) however often it fires.
 *
 * <p>{@link #submit} is what a scoring loop calls: it never blocks and never throws for load. It returns
 * at once with the cached explanation, a pending future, {@code SKIPPED} when the anomaly's score is not
 * above the minimum confidence (0.85 by default), or {@code REJECTED} when the queue is full.
 * {@link #explain} explains regardless of confidence (an operator asked). Concurrent requests for one
 * signature share one computation.
 *
 * <p>Generation: the configured {@link Explainer} (for example a language model), or the
 * {@link TemplateExplainer} when none is configured. When retrieval finds no similar incident, the
 * language model is not asked (nothing to ground an answer in) and the template explainer says so. When
 * the language model fails, the template explainer answers and the notice says why. When the incident store
 * cannot be searched (Qdrant down, a time-out), the template explainer answers from the model's own signal,
 * the language model is not asked, and the notice gives the store's error. Such fallback answers are cached
 * only briefly ({@link Builder#fallbackCacheTtl}, 1 minute by default), so that the full explanation is
 * computed again once the language model or the store is back.
 *
 * <pre>{@code
 * ExplanationService service = ExplanationService.builder(Retriever.of(embedder, store))
 *         .explainer(new LlmExplainer(client))          // optional
 *         .groundingChecker(GroundingChecker.of(embedder))
 *         .build();
 * ExplanationService.Submission s = service.submit(anomaly);   // from the scoring thread: returns at once
 * }</pre>
 *
 * <p>Thread-safe. Close it to stop its threads.
 */
public final class ExplanationService implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ExplanationService.class);

    /** What {@link #submit} did. */
    public enum State {
        /** The explanation was in the cache: {@link Submission#explanation()} holds it. */
        READY,
        /** An explanation is being computed: {@link Submission#pending()} completes with it. */
        PENDING,
        /** The anomaly's score is not above the minimum confidence: nothing is computed. */
        SKIPPED,
        /** The queue is full: nothing is computed; ask again later. */
        REJECTED
    }

    /**
     * The answer of {@link #submit}.
     *
     * @param state what happened
     * @param signature the anomaly's signature, the key to look the explanation up later
     * @param explanation the explanation when {@code READY}
     * @param pending the computation when {@code PENDING}
     */
    public record Submission(State state, String signature, @Nullable Explanation explanation,
            @Nullable CompletableFuture<Explanation> pending) {}

    private final Retriever retriever;
    private final IncidentSearch search;
    private final @Nullable Explainer explainer;
    private final TemplateExplainer template;
    private final @Nullable GroundingChecker checker;
    private final double minConfidence;
    private final boolean askModelWithoutIncidents;
    private final LruCache<String, Explanation> cache;
    private final LruCache<String, Explanation> fallbacks;
    private final ConcurrentHashMap<String, CompletableFuture<Explanation>> inFlight = new ConcurrentHashMap<>();
    private final ExecutorService executor;
    private final boolean ownsExecutor;
    private final DistributionSummary duration;

    private ExplanationService(Builder b) {
        this.retriever = b.retriever;
        this.search = b.search;
        this.explainer = b.explainer;
        this.template = b.template;
        this.checker = b.checker;
        this.minConfidence = b.minConfidence;
        this.askModelWithoutIncidents = b.askModelWithoutIncidents;
        this.cache = new LruCache<>(b.cacheSize, b.cacheTtl, b.clock);
        this.fallbacks = new LruCache<>(b.cacheSize, b.fallbackCacheTtl, b.clock);
        if (b.executor != null) {
            this.executor = b.executor;
            this.ownsExecutor = false;
        } else {
            AtomicInteger n = new AtomicInteger();
            this.executor = new ThreadPoolExecutor(b.threads, b.threads, 60, TimeUnit.SECONDS,
                    new ArrayBlockingQueue<>(b.queueCapacity), r -> {
                        Thread t = new Thread(r, "anomalyops-explain-" + n.incrementAndGet());
                        t.setDaemon(true);
                        return t;
                    }, new ThreadPoolExecutor.AbortPolicy());
            this.ownsExecutor = true;
        }
        this.duration = DistributionSummary.builder("explanation_duration_ms")
                .description("Time to retrieve, generate and check one explanation, in milliseconds")
                .baseUnit("ms")
                .publishPercentiles(0.5, 0.95, 0.99)
                .register(b.registry);
    }

    /**
     * @param retriever finds similar incidents
     * @return a builder with the defaults
     */
    public static Builder builder(Retriever retriever) {
        return new Builder(retriever);
    }

    /**
     * Asks for an explanation without waiting: for use on the scoring path.
     *
     * @param anomaly the anomaly
     * @return what happened; never blocks
     */
    public Submission submit(AnomalyContext anomaly) {
        String signature = anomaly.signature();
        if (!(anomaly.score() > minConfidence)) {
            return new Submission(State.SKIPPED, signature, null, null);
        }
        Optional<Explanation> hit = cached(signature);
        if (hit.isPresent()) {
            return new Submission(State.READY, signature, hit.get(), null);
        }
        CompletableFuture<Explanation> future = start(anomaly, signature);
        if (future == null) {
            return new Submission(State.REJECTED, signature, null, null);
        }
        return new Submission(State.PENDING, signature, null, future);
    }

    /**
     * Explains an anomaly whatever its score, asynchronously (cached and shared like {@link #submit}).
     *
     * @param anomaly the anomaly
     * @return completes with the explanation, or exceptionally with a {@link RetriableException} when the
     *     queue is full (an unreachable incident store or language model gives a fallback explanation)
     */
    public CompletableFuture<Explanation> explain(AnomalyContext anomaly) {
        String signature = anomaly.signature();
        Optional<Explanation> hit = cached(signature);
        if (hit.isPresent()) {
            return CompletableFuture.completedFuture(hit.get());
        }
        CompletableFuture<Explanation> future = start(anomaly, signature);
        return future != null ? future : CompletableFuture.failedFuture(new RetriableException(
                "The explanation queue is full; anomaly " + signature + " was not explained"));
    }

    /**
     * @param signature an anomaly signature
     * @return the cached explanation, if any
     */
    public Optional<Explanation> cached(String signature) {
        Optional<Explanation> full = cache.get(signature);
        return full.isPresent() ? full : fallbacks.get(signature);
    }

    /**
     * Explains in the calling thread, bypassing the cache: for command-line tools and benchmarks.
     *
     * @param anomaly the anomaly
     * @return the explanation, grounding checked when a checker is configured
     */
    public Explanation explainNow(AnomalyContext anomaly) {
        return compute(anomaly).explanation();
    }

    /** An explanation and whether it is a fallback (cached only briefly). */
    private record Computed(Explanation explanation, boolean fallback) {}

    /** Returns null when the queue is full. */
    private @Nullable CompletableFuture<Explanation> start(AnomalyContext anomaly, String signature) {
        CompletableFuture<Explanation> mine = new CompletableFuture<>();
        CompletableFuture<Explanation> running = inFlight.putIfAbsent(signature, mine);
        if (running != null) {
            return running.copy();
        }
        try {
            executor.execute(() -> {
                // Cache first, then leave the in-flight map, then complete: a caller that sees the result
                // and asks again finds it in the cache rather than this finished computation.
                try {
                    Computed c = compute(anomaly);
                    (c.fallback() ? fallbacks : cache).put(signature, c.explanation());
                    inFlight.remove(signature, mine);
                    mine.complete(c.explanation());
                } catch (RuntimeException | Error e) {
                    inFlight.remove(signature, mine);
                    mine.completeExceptionally(e);
                }
            });
        } catch (RejectedExecutionException e) {
            inFlight.remove(signature, mine);
            mine.cancel(false);
            return null;
        }
        return mine.copy();
    }

    private Computed compute(AnomalyContext anomaly) {
        long start = System.nanoTime();
        List<SimilarIncident> incidents;
        try {
            incidents = retriever.retrieve(anomaly, search);
        } catch (RuntimeException e) {
            // Operators still get the model's own signal; the notice keeps the outage visible.
            LOG.warn("Incident retrieval failed for anomaly {}; explaining without past incidents: {}",
                    anomaly.signature(), e.toString());
            Explanation explanation = template.explain(anomaly, List.of()).withNotice("The incident store could not"
                    + " be searched (" + oneLine(e) + "), so no past incident was consulted and "
                    + (explainer == null ? "" : "the language model was not asked; ")
                    + "composed without a language model from the model's own signal only.");
            return finish(anomaly, explanation, true, start);
        }
        boolean fallback = false;
        Explanation explanation;
        if (explainer == null) {
            explanation = template.explain(anomaly, incidents);
        } else if (incidents.isEmpty() && !askModelWithoutIncidents) {
            explanation = template.explain(anomaly, incidents).withNotice("No similar past incident was found, so the"
                    + " language model was not asked (it would have nothing to ground an answer in); composed"
                    + " without it from the model's own signal.");
        } else {
            try {
                explanation = explainer.explain(anomaly, incidents);
            } catch (RuntimeException e) {
                LOG.warn("Explainer \"{}\" failed for anomaly {}; falling back to the template explainer: {}",
                        explainer.name(), anomaly.signature(), e.toString());
                explanation = template.explain(anomaly, incidents).withNotice("The language model failed ("
                        + oneLine(e) + "); composed without it from " + incidents.size()
                        + " similar past incident" + (incidents.size() == 1 ? "" : "s") + " and the model's top features.");
                fallback = true;
            }
        }
        return finish(anomaly, explanation, fallback, start);
    }

    private Computed finish(AnomalyContext anomaly, Explanation explanation, boolean fallback, long start) {
        Explanation checked = checker == null ? explanation : explanation.withGrounding(checker.check(explanation, anomaly));
        duration.record((System.nanoTime() - start) / 1e6);
        return new Computed(checked, fallback);
    }

    private static String oneLine(Throwable e) {
        String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        return m.replaceAll("\\s*\\R\\s*", " ");
    }

    /** Stops the service's own threads (not an executor passed in). */
    @Override
    public void close() {
        if (ownsExecutor) {
            executor.shutdownNow();
        }
    }

    /** Builds an {@link ExplanationService}; {@link #build()} reports every invalid value at once. */
    public static final class Builder {
        private final Retriever retriever;
        private IncidentSearch search = IncidentSearch.defaults();
        private @Nullable Explainer explainer;
        private TemplateExplainer template = new TemplateExplainer();
        private @Nullable GroundingChecker checker;
        private double minConfidence = 0.85;
        private boolean askModelWithoutIncidents;
        private int cacheSize = 1024;
        private Duration cacheTtl = Duration.ofHours(1);
        private Duration fallbackCacheTtl = Duration.ofMinutes(1);
        private Clock clock = Clock.systemUTC();
        private @Nullable ExecutorService executor;
        private int threads = 1;
        private int queueCapacity = 64;
        private MeterRegistry registry = new CompositeMeterRegistry();

        private Builder(Retriever retriever) {
            this.retriever = Objects.requireNonNull(retriever, "retriever");
        }

        /**
         * @param search how incidents are searched (default: 5 at similarity 0.7 or more)
         * @return this builder
         */
        public Builder search(IncidentSearch search) {
            this.search = Objects.requireNonNull(search, "search");
            return this;
        }

        /**
         * @param explainer the explainer to use (a language model); null for the template explainer only
         * @return this builder
         */
        public Builder explainer(@Nullable Explainer explainer) {
            this.explainer = explainer;
            return this;
        }

        /**
         * @param template the deterministic explainer used without (or instead of a failing) language model
         * @return this builder
         */
        public Builder templateExplainer(TemplateExplainer template) {
            this.template = Objects.requireNonNull(template, "template");
            return this;
        }

        /**
         * @param checker checks every explanation's sentences against its sources; null skips the check
         * @return this builder
         */
        public Builder groundingChecker(@Nullable GroundingChecker checker) {
            this.checker = checker;
            return this;
        }

        /**
         * @param minConfidence {@link #submit} explains only anomalies scored above this, in [0, 1] (default 0.85)
         * @return this builder
         */
        public Builder minConfidence(double minConfidence) {
            this.minConfidence = minConfidence;
            return this;
        }

        /**
         * @param ask whether to ask the language model even when no similar incident was found (default
         *     false: the template explainer then says that nothing was found)
         * @return this builder
         */
        public Builder askModelWithoutIncidents(boolean ask) {
            this.askModelWithoutIncidents = ask;
            return this;
        }

        /**
         * @param size how many explanations to cache, at least 1 (default 1024)
         * @param ttl how long a cached explanation is used (default 1 hour)
         * @return this builder
         */
        public Builder cache(int size, Duration ttl) {
            this.cacheSize = size;
            this.cacheTtl = ttl;
            return this;
        }

        /**
         * @param ttl how long a fallback explanation (the language model failed or the incident store could not
         *     be searched) is used before the full explanation is tried again (default 1 minute)
         * @return this builder
         */
        public Builder fallbackCacheTtl(Duration ttl) {
            this.fallbackCacheTtl = ttl;
            return this;
        }

        /**
         * @param clock the time source of the cache
         * @return this builder
         */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /**
         * @param threads worker threads, 1 to 64 (default 1)
         * @param queueCapacity requests waiting at most, 1 to 100,000 (default 64); beyond, submissions are rejected
         * @return this builder
         */
        public Builder threads(int threads, int queueCapacity) {
            this.threads = threads;
            this.queueCapacity = queueCapacity;
            return this;
        }

        /**
         * @param executor run explanations here instead of the service's own pool (not shut down on close)
         * @return this builder
         */
        public Builder executor(@Nullable ExecutorService executor) {
            this.executor = executor;
            return this;
        }

        /**
         * @param registry where to record {@code explanation_duration_ms}
         * @return this builder
         */
        public Builder meterRegistry(MeterRegistry registry) {
            this.registry = Objects.requireNonNull(registry, "registry");
            return this;
        }

        /**
         * @return the service
         * @throws ConfigurationException listing every invalid value
         */
        public ExplanationService build() {
            List<String> problems = new ArrayList<>();
            if (!(minConfidence >= 0 && minConfidence <= 1)) {
                problems.add("minConfidence must be in [0, 1] but was " + minConfidence);
            }
            if (cacheSize < 1) {
                problems.add("cache size must be at least 1 but was " + cacheSize);
            }
            if (cacheTtl == null || cacheTtl.isNegative() || cacheTtl.isZero()) {
                problems.add("cache ttl must be positive but was " + cacheTtl);
            }
            if (fallbackCacheTtl == null || fallbackCacheTtl.isNegative() || fallbackCacheTtl.isZero()) {
                problems.add("fallback cache ttl must be positive but was " + fallbackCacheTtl);
            }
            if (threads < 1 || threads > 64) {
                problems.add("threads must be between 1 and 64 but was " + threads);
            }
            if (queueCapacity < 1 || queueCapacity > 100_000) {
                problems.add("queueCapacity must be between 1 and 100000 but was " + queueCapacity);
            }
            if (!problems.isEmpty()) {
                throw new ConfigurationException(problems);
            }
            return new ExplanationService(this);
        }
    }
}
