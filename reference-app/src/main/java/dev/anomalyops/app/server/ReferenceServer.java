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
     */
    public record Settings(int port, List<String> models, String alias, ScorerOptions options,
            ScoringInferenceService.Batching batching, Duration batchDelay, long maxRequestBytes, long maxRows,
            Operations operations) {
        /** Checks nulls. */
        public Settings {
            Objects.requireNonNull(operations, "operations");
        }

        /** Settings with {@link Operations#defaults()}. */
        public Settings(int port, List<String> models, String alias, ScorerOptions options,
                ScoringInferenceService.Batching batching, Duration batchDelay, long maxRequestBytes, long maxRows) {
            this(port, models, alias, options, batching, batchDelay, maxRequestBytes, maxRows, Operations.defaults());
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
        long maxElements = settings.maxRows() * 4096;
        return InferenceServer.start(service, routed, admin, explain, metrics, settings.port(),
                settings.maxRequestBytes(), maxElements, guards, security.tls(), () -> {
                    evaluator.shutdownNow();
                    admin.close();
                    rollouts.close();
                    variants.close();
                    source.close();
                });
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
