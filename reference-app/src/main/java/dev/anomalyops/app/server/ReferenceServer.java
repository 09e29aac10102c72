package dev.anomalyops.app.server;

import dev.anomalyops.core.registry.ModelRegistry;
import dev.anomalyops.core.scoring.ScorerOptions;
import dev.anomalyops.triton.server.ScoringInferenceService;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.List;

/** Wires the reference server: registry → scoring service (with metrics) → Armeria. */
public final class ReferenceServer {
    private ReferenceServer() {}

    /**
     * Settings of {@code anomalyops serve}.
     *
     * @param port port, 0 for any
     * @param models models to serve, empty for every model in the registry
     * @param alias alias naming the served version (latest when unset)
     * @param options scorer options (engine)
     * @param batching dynamic batching mode
     * @param batchDelay longest wait for a batch to fill
     * @param maxRequestBytes body limit
     * @param maxRows most rows per request
     */
    public record Settings(int port, List<String> models, String alias, ScorerOptions options,
            ScoringInferenceService.Batching batching, Duration batchDelay, long maxRequestBytes, long maxRows) {}

    /**
     * @param registry model registry (the caller keeps it open while the server runs)
     * @param settings server settings
     * @return the started server, every model loaded
     */
    public static InferenceServer start(ModelRegistry registry, Settings settings) {
        PrometheusMeterRegistry metrics = InferenceServer.prometheus();
        RegistryModelSource source = new RegistryModelSource(registry, settings.alias(), settings.options(),
                settings.models());
        ScoringInferenceService service = ScoringInferenceService.builder().source(source)
                .server("anomalyops", version()).maxRows(settings.maxRows()).batching(settings.batching())
                .batch(64, settings.batchDelay(), Math.max(1, Runtime.getRuntime().availableProcessors()))
                .listener(new Metrics(metrics)).build();
        for (String model : source.models()) {
            service.load(model);
        }
        long maxElements = settings.maxRows() * 4096;
        return InferenceServer.start(service, metrics, settings.port(), settings.maxRequestBytes(), maxElements);
    }

    private static String version() {
        String v = ReferenceServer.class.getPackage().getImplementationVersion();
        return v != null ? v : "development";
    }
}
