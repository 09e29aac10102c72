package dev.anomalyops.app.cli;

import dev.anomalyops.app.server.InferenceServer;
import dev.anomalyops.app.server.ReferenceServer;
import dev.anomalyops.core.registry.ModelRegistry;
import dev.anomalyops.core.scoring.ScorerOptions;
import dev.anomalyops.triton.server.ScoringInferenceService;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code anomalyops serve}: the reference Open Inference Protocol (v2) server. REST and gRPC on one port, models
 * from the registry, Prometheus metrics at {@code /metrics}. Runs until SIGTERM or Ctrl-C, then reports not-ready
 * and finishes in-flight requests before stopping.
 */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = {"Serve registry models over the Open Inference Protocol (KServe v2): HTTP/JSON and gRPC on one port.",
            "curl localhost:8000/v2/models/MODEL ; POST /v2/models/MODEL/infer ; GET /metrics"})
final class ServeCommand implements Callable<Integer> {
    @Mixin
    Output output;

    @Mixin
    RegistryOption registry;

    @Option(names = "--port", defaultValue = "8000", description = "Port for HTTP and gRPC (default: ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--model", paramLabel = "NAME", description = "Model to serve; repeatable (default: every model).")
    List<String> models = new ArrayList<>();

    @Option(names = "--alias", defaultValue = "champion",
            description = "Alias naming the version to serve; the latest version when unset (default: ${DEFAULT-VALUE}).")
    String alias;

    @Option(names = "--engine", paramLabel = "NAME", description = "Scoring engine: java, xgboost4j, catboost, onnxruntime.")
    String engine;

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

    @Override
    public Integer call() throws InterruptedException {
        ScorerOptions options = ScorerOptions.builder().engine(engine).threads(threads).build();
        ModelRegistry models = registry.open();
        InferenceServer server = ReferenceServer.start(models, new ReferenceServer.Settings(port, this.models, alias,
                options, batching, Duration.ofNanos(batchDelayMicros * 1000), maxBodyBytes, maxRows));
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.close();
            models.close();
            stopped.countDown();
        }, "serve-shutdown"));
        var document = output.object();
        document.put("port", server.port());
        document.put("models", server.service().repositoryIndex(true).size());
        output.print(document, "Serving " + server.service().repositoryIndex(true).size() + " model(s) on port "
                + server.port() + " (HTTP and gRPC); Ctrl-C to stop");
        stopped.await();
        return 0;
    }
}
