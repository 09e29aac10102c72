package dev.anomalyops.app.server;

import dev.anomalyops.app.explain.ExplainHandler;
import dev.anomalyops.core.registry.ModelRegistry;
import dev.anomalyops.core.registry.ModelVersion;
import dev.anomalyops.core.scoring.Scorer;
import dev.anomalyops.core.scoring.ScorerOptions;
import dev.anomalyops.rollout.CanaryPolicy;
import dev.anomalyops.triton.server.ScoringInferenceService;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import dev.anomalyops.core.ConfigurationException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;
import org.jspecify.annotations.Nullable;

/**
 * Wires the reference server: registry → scoring service (drift monitors, per-variant metrics, A/B and canary
 * routing) → Armeria, with the admin API and the Alertmanager webhook.
 */
public final class ReferenceServer {
    private ReferenceServer() {}

    /**
     * Settings of {@code anomalyops serve}.
     *
     * @param port port, 0 for any
     * @param models models to serve, empty for every model in the registry
     * @param alias alias naming the served version (latest when unset); canaries move this alias
     * @param options scorer options (engine)
     * @param batching dynamic batching mode
     * @param batchDelay longest wait for a batch to fill
     * @param maxRequestBytes body limit
     * @param maxRows most rows per request
     * @param operations rollout, monitoring and admin settings
     * @param resilience load shedding, scoring threads, shutdown drain and alias polling
     */
    public record Settings(int port, List<String> models, String alias, ScorerOptions options,
            ScoringInferenceService.Batching batching, Duration batchDelay, long maxRequestBytes, long maxRows,
            Operations operations, Resilience resilience) {
        /** Checks nulls. */
        public Settings {
            Objects.requireNonNull(operations, "operations");
            Objects.requireNonNull(resilience, "resilience");
        }

        /** Settings with {@link Resilience#defaults()}. */
        public Settings(int port, List<String> models, String alias, ScorerOptions options,
                ScoringInferenceService.Batching batching, Duration batchDelay, long maxRequestBytes, long maxRows,
                Operations operations) {
            this(port, models, alias, options, batching, batchDelay, maxRequestBytes, maxRows, operations,
                    Resilience.defaults());
        }

        /**
         * @param resilience the resilience settings to use
         * @return these settings with {@code resilience} instead
         */
        public Settings withResilience(Resilience resilience) {
            return new Settings(port, models, alias, options, batching, batchDelay, maxRequestBytes, maxRows,
                    operations, resilience);
        }

        /** Settings with {@link Operations#defaults()}. */
        public Settings(int port, List<String> models, String alias, ScorerOptions options,
                ScoringInferenceService.Batching batching, Duration batchDelay, long maxRequestBytes, long maxRows) {
            this(port, models, alias, options, batching, batchDelay, maxRequestBytes, maxRows, Operations.defaults());
        }
    }

    /**
     * How the server behaves under load and while it changes: load shedding, scoring threads, the shutdown drain and
     * the alias poll that picks up promotions. See docs/reliability.md.
     *
     * @param maxInFlight most inference requests admitted at once (queued or being scored); more are shed at once with
     *     HTTP 429 / gRPC {@code RESOURCE_EXHAUSTED}. Bounds the queueing delay of admitted requests to about
     *     {@code maxInFlight} requests' scoring time divided by {@code scoringThreads}.
     * @param scoringThreads threads scoring inference requests (off the network event loops); 0 scores on the event
     *     loop that read the request: no hand-off per request (measurably faster for engines that take microseconds,
     *     see docs/serving.md), but under overload the event loops are busy scoring and shed more slowly
     * @param shutdownDrain how long the server keeps answering after readiness went false on close (SIGTERM), so that
     *     load balancers stop sending before it stops accepting; zero to stop at once
     * @param aliasPoll how often the served alias is re-read from the registry; a moved alias (a promotion) loads the
     *     new version and swaps it in atomically, with no failed request. Zero: only on an explicit load
     *     ({@code POST /v2/repository/models/{m}/load}) or a rollout.
     */
    public record Resilience(int maxInFlight, int scoringThreads, Duration shutdownDrain, Duration aliasPoll) {
        /** Checks the values. */
        public Resilience {
            List<String> problems = new java.util.ArrayList<>();
            if (maxInFlight < 1) {
                problems.add("maxInFlight must be at least 1 but was " + maxInFlight);
            }
            if (scoringThreads < 0 || scoringThreads > 1024) {
                problems.add("scoringThreads must be between 0 and 1024 but was " + scoringThreads);
            }
            if (shutdownDrain == null || shutdownDrain.isNegative()) {
                problems.add("shutdownDrain must be zero or positive but was " + shutdownDrain);
            }
            if (aliasPoll == null || aliasPoll.isNegative()) {
                problems.add("aliasPoll must be zero or positive but was " + aliasPoll);
            }
            if (!problems.isEmpty()) {
                throw new dev.anomalyops.core.ConfigurationException(problems);
            }
        }

        /**
         * @return 256 requests in flight (at about 100 µs per single-row request and two scoring threads, about 13 ms of
         *     queueing at most), one scoring thread per processor, no drain, no alias poll
         */
        public static Resilience defaults() {
            return new Resilience(256, Math.max(1, Runtime.getRuntime().availableProcessors()), Duration.ZERO,
                    Duration.ZERO);
        }
    }

    /**
     * Rollout, monitoring and admin settings.
     *
     * @param stateDir where canary state is saved (a restarted server resumes from it)
     * @param adminToken bearer token of the admin API and the Alertmanager webhook; null disables both
     * @param canaryPolicy stages and gates of canaries
     * @param evaluateEvery how often running canaries are evaluated; zero: only through the admin API
     * @param abTests A/B tests to start: model → (registry alias → weight), two aliases each
     * @param driftWindow the drift monitors' sliding window
     * @param clock time of the canary, drift and feedback windows (a fake clock in tests)
     * @param scorerHook wraps each loaded scorer (identity in production; fault injection in tests and drills)
     */
    public record Operations(Path stateDir, @Nullable String adminToken, CanaryPolicy canaryPolicy,
            Duration evaluateEvery, Map<String, Map<String, Double>> abTests, Duration driftWindow, Clock clock,
            BiFunction<ModelVersion, Scorer, Scorer> scorerHook) {
        /** Checks nulls and copies the A/B tests. */
        public Operations {
            Objects.requireNonNull(stateDir, "stateDir");
            Objects.requireNonNull(canaryPolicy, "canaryPolicy");
            Objects.requireNonNull(evaluateEvery, "evaluateEvery");
            Objects.requireNonNull(driftWindow, "driftWindow");
            Objects.requireNonNull(clock, "clock");
            Objects.requireNonNull(scorerHook, "scorerHook");
            abTests = Map.copyOf(abTests);
        }

        /** Like the record's, with the admin token redacted: settings get printed and logged. */
        @Override
        public String toString() {
            return "Operations[stateDir=" + stateDir + ", adminToken=" + (adminToken == null ? "none" : "<redacted>")
                    + ", canaryPolicy=" + canaryPolicy + ", evaluateEvery=" + evaluateEvery + ", abTests=" + abTests
                    + ", driftWindow=" + driftWindow + ", clock=" + clock + "]";
        }

        /**
         * @return state in {@code ./anomalyops-state}, no admin API, the default canary policy evaluated every 10
         *     seconds, no A/B test, a one-hour drift window, the system clock
         */
        public static Operations defaults() {
            return new Operations(Path.of("anomalyops-state"), null, CanaryPolicy.defaults(), Duration.ofSeconds(10),
                    Map.of(), Duration.ofHours(1), Clock.systemUTC(), (version, scorer) -> scorer);
        }
    }

    /**
     * @param registry model registry (the caller keeps it open while the server runs)
     * @param settings server settings
     * @return the started server, every model loaded and saved canaries resumed
     */
    public static InferenceServer start(ModelRegistry registry, Settings settings) {
        return start(registry, settings, null);
    }

    /**
     * @param registry model registry (the caller keeps it open while the server runs)
     * @param settings server settings
     * @param explain answers {@code POST /v1/explain}; null leaves that path unserved (404). The caller owns its
     *     explanation service and closes it after the server.
     * @return the started server, every model loaded and saved canaries resumed
     */
    public static InferenceServer start(ModelRegistry registry, Settings settings, @Nullable ExplainHandler explain) {
        return start(registry, settings, explain, ServerSecurity.none());
    }

    /**
     * @param registry model registry (the caller keeps it open while the server runs)
     * @param settings server settings
     * @param explain answers {@code POST /v1/explain}; null leaves that path unserved (404)
     * @param security tokens, webhook secret, rate limit and TLS (see {@link ServerSecurity})
     * @return the started server, every model loaded and saved canaries resumed
     * @throws dev.anomalyops.core.ConfigurationException when a token or secret file is invalid
     */
    public static InferenceServer start(ModelRegistry registry, Settings settings, @Nullable ExplainHandler explain,
            ServerSecurity security) {
        Operations operations = settings.operations();
        String fixedAdmin = operations.adminToken();
        TokenFile adminTokens = new TokenFile("admin", security.adminTokenFile(),
                fixedAdmin == null || fixedAdmin.isBlank() ? List.of() : List.of(fixedAdmin), System::nanoTime);
        TokenFile inferenceTokens = security.inferenceTokenFile() == null ? null
                : new TokenFile("inference", security.inferenceTokenFile(), List.of(), System::nanoTime);
        byte[] webhookSecret = security.webhookSecretFile() == null ? null : secret(security.webhookSecretFile());
        PrometheusMeterRegistry metrics = InferenceServer.prometheus();
        VariantMetrics variants = new VariantMetrics(metrics, operations.clock());
        Rollouts rollouts = new Rollouts(registry, settings.alias(), operations, metrics, variants);
        RegistryModelSource source = new RegistryModelSource(registry, settings.alias(), settings.options(),
                settings.models(), rollouts::versions, metrics, operations);
        ScoringInferenceService service = ScoringInferenceService.builder().source(source)
                .server("anomalyops", version()).maxRows(settings.maxRows()).batching(settings.batching())
                .batch(64, settings.batchDelay(), Math.max(1, Runtime.getRuntime().availableProcessors()))
                .listener(new Metrics(metrics)).build();
        rollouts.onChange(service::load);
        rollouts.resume();
        for (String model : source.models()) {
            if (rollouts.active(model) == null) {
                service.load(model);
            }
        }
        operations.abTests().forEach(rollouts::startAb);
        RoutedInferenceService routed = new RoutedInferenceService(service, rollouts, variants, 100_000);
        AdminService admin = new AdminService(rollouts, routed, operations, metrics, adminTokens, webhookSecret,
                security.webhookRequireTimestamp());
        Guards guards = new Guards(adminTokens, inferenceTokens, new ClientRateLimiter(security.adminRequestsPerSecond(),
                security.adminBurst(), 10_000, System::nanoTime), metrics);
        ScheduledExecutorService evaluator = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "canary-evaluator");
            t.setDaemon(true);
            return t;
        });
        long every = operations.evaluateEvery().toMillis();
        if (every > 0) {
            evaluator.scheduleWithFixedDelay(rollouts::evaluateAll, every, every, TimeUnit.MILLISECONDS);
        }
        long poll = settings.resilience().aliasPoll().toMillis();
        if (poll > 0) {
            AliasWatcher watcher = new AliasWatcher(registry, settings.alias(), source.models(), rollouts, service);
            evaluator.scheduleWithFixedDelay(watcher, poll, poll, TimeUnit.MILLISECONDS);
        }
        long maxElements = settings.maxRows() * 4096;
        return InferenceServer.start(service, routed, admin, explain, metrics, settings.port(),
                settings.maxRequestBytes(), maxElements, guards, security.tls(), () -> {
                    evaluator.shutdownNow();
                    admin.close();
                    rollouts.close();
                    variants.close();
                    source.close();
                }, settings.resilience());
    }

    /** The webhook secret: the file's bytes without trailing line breaks (what {@code echo > file} adds). */
    private static byte[] secret(Path file) {
        try {
            byte[] bytes = Files.readAllBytes(file);
            int end = bytes.length;
            while (end > 0 && (bytes[end - 1] == '\n' || bytes[end - 1] == '\r')) {
                end--;
            }
            if (end < 16) {
                throw new ConfigurationException("The webhook secret file \"" + file + "\" holds " + end
                        + " bytes but the secret needs at least 16");
            }
            return Arrays.copyOf(bytes, end);
        } catch (IOException e) {
            throw new ConfigurationException("The webhook secret file \"" + file + "\" cannot be read: "
                    + e.getClass().getSimpleName(), e);
        }
    }

    private static String version() {
        String v = ReferenceServer.class.getPackage().getImplementationVersion();
        return v != null ? v : "development";
    }
}
