package dev.anomalyops.app.cli;

import dev.anomalyops.app.server.InferenceServer;
import dev.anomalyops.app.server.ReferenceServer;
import dev.anomalyops.app.server.ServerSecurity;
import dev.anomalyops.core.ConfigurationException;
import dev.anomalyops.core.registry.ModelRegistry;
import dev.anomalyops.core.scoring.ScorerOptions;
import dev.anomalyops.app.ServingEndpoints;
import dev.anomalyops.rollout.CanaryPolicy;
import dev.anomalyops.triton.server.ScoringInferenceService;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code anomalyops serve}: the reference Open Inference Protocol (v2) server. REST and gRPC on one port, models
 * from the registry, Prometheus metrics at {@code /metrics}, feedback at {@code /feedback}, canary and A/B control and
 * the Alertmanager webhook under {@code /admin} (bearer tokens from {@code --admin-token-file} or
 * {@code $ANOMALYOPS_ADMIN_TOKEN}; see docs/security.md for tokens, the webhook's HMAC and TLS). Runs until
 * SIGTERM or Ctrl-C, then reports not-ready and finishes in-flight requests before stopping.
 */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = {"Serve registry models over the Open Inference Protocol (KServe v2): HTTP/JSON and gRPC on one port.",
            "curl localhost:8000/v2/models/MODEL ; POST /v2/models/MODEL/infer ; GET /metrics"})
final class ServeCommand implements Callable<Integer> {
    @Mixin
    Output output;

    @Mixin
    RegistryOption registry;

    @Option(names = "--port", defaultValue = "" + ServingEndpoints.PORT, description = "Port for HTTP and gRPC (default: ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--model", paramLabel = "NAME", description = "Model to serve; repeatable (default: every model).")
    List<String> models = new ArrayList<>();

    @Option(names = "--alias", defaultValue = "champion",
            description = "Alias naming the version to serve; the latest version when unset (default: ${DEFAULT-VALUE}).")
    String alias;

    @Option(names = "--engine", paramLabel = "NAME", description = "Scoring engine: java, xgboost4j, catboost, onnxruntime.")
    String engine;

    @Option(names = "--engine-option", paramLabel = "KEY=VALUE",
            description = "Engine property, e.g. onnx.provider=cuda-required; repeatable.")
    Map<String, String> engineOptions = new LinkedHashMap<>();

    @Option(names = "--threads", defaultValue = "1", description = "Threads per scoring call for native engines.")
    int threads;

    @Option(names = "--batching", defaultValue = "auto",
            description = "Batch concurrent single-row requests: auto (where measured to help), on, off.")
    ScoringInferenceService.Batching batching;

    @Option(names = "--batch-delay-us", defaultValue = "0",
            description = "Longest a single row waits for a batch to fill, in microseconds (default: ${DEFAULT-VALUE}).")
    long batchDelayMicros;

    @Option(names = "--max-body-bytes", defaultValue = "67108864",
            description = "Largest request body or gRPC message (default: ${DEFAULT-VALUE}).")
    long maxBodyBytes;

    @Option(names = "--max-rows", defaultValue = "65536", description = "Most rows per request (default: ${DEFAULT-VALUE}).")
    long maxRows;

    @Option(names = "--state-dir", defaultValue = "anomalyops-state",
            description = "Where canary rollout state is kept; a restart resumes from it (default: ${DEFAULT-VALUE}).")
    Path stateDir;

    @Option(names = "--admin-token-env", paramLabel = "VAR", defaultValue = "ANOMALYOPS_ADMIN_TOKEN",
            description = "Environment variable holding the bearer token of /admin (canary, A/B, Alertmanager webhook);"
                    + " the admin API is off when it is unset (default: ${DEFAULT-VALUE}).")
    String adminTokenEnv;

    @Option(names = "--admin-token-file", paramLabel = "FILE",
            description = "Admin bearer tokens, one per line (16+ characters each), re-read when the file changes; turns"
                    + " on /admin, the v2 repository API (model load/unload) and the Alertmanager webhook.")
    Path adminTokenFile;

    @Option(names = "--inference-token-file", paramLabel = "FILE",
            description = "Inference bearer tokens, one per line: every inference call (HTTP \"Authorization: Bearer\","
                    + " gRPC metadata \"authorization\") must carry one (or an admin token). Health and /metrics stay open.")
    Path inferenceTokenFile;

    @Option(names = "--webhook-secret-file", paramLabel = "FILE",
            description = "HMAC-SHA256 secret of the Alertmanager webhook: requests must be signed (X-Hub-Signature-256"
                    + " or X-AnomalyOps-Signature + X-AnomalyOps-Timestamp) instead of carrying an admin token.")
    Path webhookSecretFile;

    @Option(names = "--webhook-require-timestamp",
            description = "Accept only timestamped webhook signatures (refuses X-Hub-Signature-256, which can be replayed).")
    boolean webhookRequireTimestamp;

    @Option(names = "--admin-rate", paramLabel = "PER_SECOND", defaultValue = "5",
            description = "Admin and webhook requests per second per client IP; more get 429 (default: ${DEFAULT-VALUE}).")
    double adminRate;

    @Option(names = "--admin-burst", defaultValue = "20",
            description = "Admin requests a client may send at once (default: ${DEFAULT-VALUE}).")
    int adminBurst;

    @Option(names = "--tls-cert", paramLabel = "PEM", description = "Serve HTTPS and gRPC over TLS with this certificate"
            + " chain (leaf first); plaintext is then refused. Needs --tls-key.")
    Path tlsCert;

    @Option(names = "--tls-key", paramLabel = "PEM", description = "The unencrypted PKCS#8 private key of --tls-cert.")
    Path tlsKey;

    @Option(names = "--tls-client-ca", paramLabel = "PEM",
            description = "Mutual TLS: require client certificates signed by these CA certificates.")
    Path tlsClientCa;

    @Option(names = "--ab", paramLabel = "MODEL=ALIAS:WEIGHT,ALIAS:WEIGHT",
            description = "Start an A/B test between two registry aliases, e.g. cpu=champion:70,challenger:30; repeatable.")
    List<String> abTests = new ArrayList<>();

    @Option(names = "--canary-stages", split = ",", defaultValue = "10,30,50,100",
            description = "Canary traffic stages in percent (default: ${DEFAULT-VALUE}).")
    List<Integer> canaryStages;

    @Option(names = "--canary-min-dwell", defaultValue = "PT5M",
            description = "Least time per canary stage, ISO-8601 (default: ${DEFAULT-VALUE}).")
    Duration canaryMinDwell;

    @Option(names = "--canary-min-requests", defaultValue = "1000",
            description = "Least canary requests per stage (default: ${DEFAULT-VALUE}).")
    long canaryMinRequests;

    @Option(names = "--canary-evaluate-every", defaultValue = "PT10S",
            description = "How often running canaries are checked, ISO-8601 (default: ${DEFAULT-VALUE}).")
    Duration evaluateEvery;

    @Option(names = "--max-in-flight", defaultValue = "256", description = "Most inference requests queued or being"
            + " scored; more are shed at once with HTTP 429 / gRPC RESOURCE_EXHAUSTED (default: ${DEFAULT-VALUE}).")
    int maxInFlight;

    @Option(names = "--scoring-threads", defaultValue = "0",
            description = "Threads scoring inference requests; 0 for one per processor (default: ${DEFAULT-VALUE}).")
    int scoringThreads;

    @Option(names = "--score-on-event-loops", description = "Score on the network event loops instead of a scoring"
            + " pool: no hand-off per request, fastest for the pure-Java engine; sheds more slowly under overload.")
    boolean scoreOnEventLoops;

    @Option(names = "--shutdown-drain", defaultValue = "PT5S", description = "On SIGTERM, how long to keep answering"
            + " after readiness went false, before in-flight requests are finished and the server stops, ISO-8601"
            + " (default: ${DEFAULT-VALUE}).")
    Duration shutdownDrain;

    @Option(names = "--alias-poll", defaultValue = "PT10S", description = "How often the served alias is re-read from"
            + " the registry; a promotion is loaded and swapped in without failing a request; PT0S to turn off"
            + " (default: ${DEFAULT-VALUE}).")
    Duration aliasPoll;

    @Option(names = "--explain", description = "Serve POST /v1/explain: similar past incidents (MiniLM embeddings, embedded"
            + " store) and the template explainer, or the LLM with --llm-url.")
    boolean explain;

    @Option(names = "--incidents", paramLabel = "FILE", description = "Past incidents (JSONL or CSV) loaded at start for"
            + " --explain; repeatable.")
    List<Path> incidentFiles = new ArrayList<>();

    @Option(names = "--incident-store", paramLabel = "FILE",
            description = "Embedded incident store file for --explain (default: in memory).")
    Path incidentStore;

    @Option(names = "--llm-url", paramLabel = "URL",
            description = "OpenAI-compatible API root for --explain, e.g. http://vllm:8000/v1.")
    URI llmUrl;

    @Option(names = "--llm-model", paramLabel = "NAME", description = "Model name as the LLM server lists it.")
    String llmModel;

    @Override
    public Integer call() throws InterruptedException {
        ScorerOptions.Builder builder = ScorerOptions.builder().engine(engine).threads(threads);
        engineOptions.forEach(builder::property);
        ScorerOptions options = builder.build();
        CanaryPolicy defaults = CanaryPolicy.defaults();
        CanaryPolicy policy = new CanaryPolicy(canaryStages, canaryMinDwell, canaryMinRequests,
                defaults.minGateRequests(), defaults.maxErrorRate(), defaults.maxP95(), defaults.maxP95Ratio(),
                defaults.minAccuracy(), defaults.minFeedback());
        ReferenceServer.Operations operations = new ReferenceServer.Operations(stateDir, System.getenv(adminTokenEnv),
                policy, evaluateEvery, abTests(), Duration.ofHours(1), Clock.systemUTC(), (version, scorer) -> scorer);
        Explanations explanations = explain ? Explanations.open(incidentFiles, incidentStore, llmUrl, llmModel, output)
                : null;
        ModelRegistry models = registry.open();
        ServerSecurity security = security();
        InferenceServer server = ReferenceServer.start(models, new ReferenceServer.Settings(port, this.models, alias,
                options, batching, Duration.ofNanos(batchDelayMicros * 1000), maxBodyBytes, maxRows, operations,
                new ReferenceServer.Resilience(maxInFlight, scoreOnEventLoops ? 0 : scoringThreads > 0 ? scoringThreads
                        : Math.max(1, Runtime.getRuntime().availableProcessors()), shutdownDrain, aliasPoll)),
                explanations != null ? explanations.handler() : null, security);
        CountDownLatch stopped = new CountDownLatch(1);
        // SIGTERM: readiness false, drain, finish in-flight requests, stop (see InferenceServer.close).
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.close();
            models.close();
            if (explanations != null) {
                explanations.close();
            }
            stopped.countDown();
        }, "serve-shutdown"));
        var document = output.object();
        document.put("port", server.port());
        document.put("tls", security.tls() == null ? "off" : security.tls().mutual() ? "mutual" : "on");
        document.put("models", server.service().repositoryIndex(true).size());
        output.print(document, "Serving " + server.service().repositoryIndex(true).size() + " model(s) on port "
                + server.port() + " (HTTP and gRPC); Ctrl-C to stop");
        stopped.await();
        return 0;
    }

    ServerSecurity security() {
        return ServerSecurity.builder().adminTokenFile(adminTokenFile).inferenceTokenFile(inferenceTokenFile)
                .webhookSecretFile(webhookSecretFile).webhookRequireTimestamp(webhookRequireTimestamp)
                .adminRateLimit(adminRate, adminBurst).tls(tlsCert, tlsKey).clientCa(tlsClientCa).build();
    }

    private Map<String, Map<String, Double>> abTests() {
        Map<String, Map<String, Double>> tests = new LinkedHashMap<>();
        for (String spec : abTests) {
            int eq = spec.indexOf('=');
            if (eq < 1) {
                throw new ConfigurationException("--ab was \"" + spec + "\" but it must look like cpu=champion:70,challenger:30");
            }
            Map<String, Double> weights = new LinkedHashMap<>();
            for (String part : spec.substring(eq + 1).split(",")) {
                String[] pair = part.split(":");
                try {
                    weights.put(pair[0].trim(), Double.parseDouble(pair[1].trim()));
                } catch (RuntimeException e) {
                    throw new ConfigurationException("--ab was \"" + spec + "\" but each variant must be ALIAS:WEIGHT"
                            + " (e.g. champion:70)");
                }
            }
            tests.put(spec.substring(0, eq), weights);
        }
        return tests;
    }
}
