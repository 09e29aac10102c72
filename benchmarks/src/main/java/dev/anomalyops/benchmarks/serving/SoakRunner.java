package dev.anomalyops.benchmarks.serving;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.anomalyops.app.load.LoadGenerator;
import dev.anomalyops.app.load.Soak;
import dev.anomalyops.app.server.InferenceServer;
import dev.anomalyops.app.server.ReferenceServer;
import dev.anomalyops.benchmarks.Bench;
import dev.anomalyops.benchmarks.scoring.BenchModels;
import dev.anomalyops.core.FeatureSchema;
import dev.anomalyops.core.model.ModelBundle;
import dev.anomalyops.core.model.ModelFormat;
import dev.anomalyops.core.registry.FileModelRegistry;
import dev.anomalyops.core.scoring.ScorerOptions;
import dev.anomalyops.triton.server.ScoringInferenceService;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ./bench soak --seconds 300 --rate-fraction 0.7 [--rows 8] [--window-seconds 60]}: the sustained-load drill
 * on the reference server in this JVM (the 100×6 XGBoost benchmark model, HTTP/JSON over loopback): capacity measured
 * closed-loop (8 clients), then an open-loop load at the given fraction of it. Prints the p99 per window (a minute by
 * default) from each request's scheduled start and from its send, the drift of p99 from the first to the last window,
 * the heap after a full GC before and after, and the errors, shed requests and time-outs.
 */
@Command(name = "soak", mixinStandardHelpOptions = true,
        description = "Sustained open-loop load at a fraction of measured capacity on the reference server.")
public final class SoakRunner implements Bench.Runner {
    @Option(names = "--seconds", defaultValue = "300", description = "Seconds of load (default: ${DEFAULT-VALUE}).")
    long seconds;

    @Option(names = "--rate-fraction", defaultValue = "0.7",
            description = "Fraction of the measured capacity to offer (default: ${DEFAULT-VALUE}).")
    double rateFraction;

    @Option(names = "--rows", defaultValue = "8", description = "Rows per request (default: ${DEFAULT-VALUE}).")
    int rows;

    @Option(names = "--window-seconds", defaultValue = "60", description = "Reporting window (default: ${DEFAULT-VALUE}).")
    long windowSeconds;

    @Override
    public ObjectNode call() throws Exception {
        Path model = BenchModels.xgboost(100, 6);
        Path work = Files.createTempDirectory("bench-soak-");
        ModelBundle bundle = ModelBundle.builder("bench-xgb", "1").model(ModelFormat.XGBOOST_JSON, model)
                .schema(FeatureSchema.unnamed(BenchModels.FEATURES)).writeTo(work.resolve("bundle"));
        try (FileModelRegistry registry = FileModelRegistry.open(work.resolve("registry"))) {
            registry.register("bench-xgb", bundle, Map.of());
            InferenceServer server = ReferenceServer.start(registry, new ReferenceServer.Settings(0, List.of(),
                    "champion", ScorerOptions.defaults(), ScoringInferenceService.Batching.AUTO, Duration.ZERO,
                    64 << 20, 65_536));
            try (LoadGenerator load = new LoadGenerator(URI.create("http://127.0.0.1:" + server.port()), "bench-xgb",
                    bodies(), Duration.ofSeconds(10))) {
                Bench.progress("Measuring capacity (8 clients, %d rows/request) ...", rows);
                Soak soak = Soak.run(load, 8, rateFraction, Duration.ofSeconds(seconds),
                        Duration.ofSeconds(Math.min(windowSeconds, seconds)));
                return figures(soak);
            } finally {
                server.close();
            }
        }
    }

    private List<byte[]> bodies() {
        float[] pool = BenchModels.rows(64 * rows, 5);
        int features = BenchModels.FEATURES;
        List<byte[]> bodies = new ArrayList<>();
        for (int i = 0; i < 64; i++) {
            float[][] matrix = new float[rows][features];
            for (int r = 0; r < rows; r++) {
                System.arraycopy(pool, (i * rows + r) * features, matrix[r], 0, features);
            }
            bodies.add(LoadGenerator.body("r" + i, matrix));
        }
        return bodies;
    }

    private ObjectNode figures(Soak soak) {
        ObjectNode out = Bench.figures();
        LoadGenerator.Window t = soak.load().total();
        out.put("seconds", seconds);
        out.put("rows_per_request", rows);
        out.put("cpus", Runtime.getRuntime().availableProcessors());
        out.put("capacity_requests_per_second", soak.capacity().okPerSecond());
        out.put("rate_fraction", rateFraction);
        out.put("offered_requests_per_second", soak.rate());
        out.put("sent", t.sent());
        out.put("ok", t.ok());
        out.put("errors", t.errors());
        out.put("shed", t.shed());
        out.put("timeouts", t.timeouts());
        out.put("p50_ms", t.p50Ms());
        out.put("p99_ms", t.p99Ms());
        out.put("p99_from_send_ms", t.sendP99Ms());
        ArrayNode perWindow = out.putArray("p99_ms_per_window");
        ArrayNode perWindowSend = out.putArray("p99_from_send_ms_per_window");
        for (LoadGenerator.Window w : soak.load().windows()) {
            perWindow.add(w.p99Ms());
            perWindowSend.add(w.sendP99Ms());
        }
        out.put("window_seconds", Math.min(windowSeconds, seconds));
        out.put("p99_drift", soak.p99Drift());
        out.put("heap_after_gc_before_mb", soak.heapBeforeBytes() / 1e6);
        out.put("heap_after_gc_after_mb", soak.heapAfterBytes() / 1e6);
        out.put("heap_growth_mb", soak.heapGrowthBytes() / 1e6);
        Bench.progress("%d ok of %d, %d errors, %d shed, %d timeouts; p99 drift %.2fx; heap growth %.1f MB",
                t.ok(), t.sent(), t.errors(), t.shed(), t.timeouts(), soak.p99Drift(), soak.heapGrowthBytes() / 1e6);
        return out;
    }
}
