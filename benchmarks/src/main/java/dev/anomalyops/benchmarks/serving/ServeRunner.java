package dev.anomalyops.benchmarks.serving;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.anomalyops.app.server.InferenceServer;
import dev.anomalyops.app.server.ReferenceServer;
import dev.anomalyops.benchmarks.Bench;
import dev.anomalyops.benchmarks.scoring.BenchModels;
import dev.anomalyops.core.FeatureSchema;
import dev.anomalyops.core.model.ModelBundle;
import dev.anomalyops.core.model.ModelFormat;
import dev.anomalyops.core.registry.FileModelRegistry;
import dev.anomalyops.core.scoring.ScorerOptions;
import dev.anomalyops.triton.InferRequest;
import dev.anomalyops.triton.InferResponse;
import dev.anomalyops.triton.Tensor;
import dev.anomalyops.triton.client.InferStream;
import dev.anomalyops.triton.client.TritonClient;
import dev.anomalyops.triton.server.ScoringInferenceService;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.function.Function;
import java.util.concurrent.atomic.AtomicLong;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ./bench serve --transport grpc|http|http-binary --clients N --batch B --seconds S [--engine java]}: starts
 * the reference server in this JVM with the 100×6 XGBoost benchmark model (37 features, from the registry), then
 * drives it over loopback with our own client: N closed-loop clients, each with one request of B rows in flight,
 * for S seconds after a warm-up. Prints requests and predictions per second, latency percentiles (client-side,
 * request sent to response decoded) and the number of failed requests. {@code --engine xgboost4j} answers the same
 * requests with XGBoost's native predictor inside the same server, for comparison.
 */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = "Load test of the reference v2 server on loopback (server and clients in this JVM).")
public final class ServeRunner implements Bench.Runner {
    @Option(names = "--transport", defaultValue = "grpc",
            description = "grpc (unary ModelInfer), grpc-stream (ModelStreamInfer, one stream per client), http (JSON)"
                    + " or http-binary.")
    String transport;

    @Option(names = "--clients", defaultValue = "10", description = "Concurrent closed-loop clients.")
    int clients;

    @Option(names = "--connections", defaultValue = "1",
            description = "Client instances (each one HTTP/2 connection for gRPC), the clients spread over them.")
    int connections;

    @Option(names = "--score-on-event-loops",
            description = "Server scores on its network event loops (serve --score-on-event-loops) instead of its"
                    + " scoring pool.")
    boolean scoreOnEventLoops;

    @Option(names = "--direct-callbacks",
            description = "Complete the client's futures on its network thread (TritonClient.Builder.callbackExecutor("
                    + "Runnable::run)) instead of handing each answer to a pool thread.")
    boolean directCallbacks;

    @Option(names = "--batch", defaultValue = "1", description = "Rows per request.")
    int batch;

    @Option(names = "--seconds", defaultValue = "10", description = "Measured seconds.")
    double seconds;

    @Option(names = "--warmup", defaultValue = "60",
            description = "Longest warm-up in seconds (not measured): it runs in 1-second windows and ends early once"
                    + " three windows in a row are within 10%% of their mean throughput (the JIT compilers on a small"
                    + " machine need tens of seconds to reach steady state).")
    double warmup;

    @Option(names = "--engine", defaultValue = "java", description = "Server-side engine: java or xgboost4j.")
    String engine;

    @Option(names = "--batching", defaultValue = "AUTO", description = "Server dynamic batching: AUTO, ON, OFF.")
    ScoringInferenceService.Batching batching;

    @Option(names = "--sweep",
            description = "Measure the whole table in one JVM: grpc, grpc-stream, http-binary and http x 1, 10 and 64"
                    + " clients x 1 and 64 rows with the java engine, then grpc and grpc-stream x 10 clients with"
                    + " xgboost4j (each --seconds long after its own warm-up). Prints a line per configuration; the"
                    + " JSON has them under \"table\" and the unary gRPC, 10 clients, 1 row figures at the top.")
    boolean sweep;

    @Override
    public ObjectNode call() throws Exception {
        if (!sweep) {
            return measure(engine, List.of(new Config(transport, clients, batch))).get(0);
        }
        List<Config> java = new ArrayList<>();
        for (String t : List.of("grpc", "grpc-stream", "http-binary", "http")) {
            for (int c : new int[] {1, 10, 64}) {
                for (int b : new int[] {1, 64}) {
                    java.add(new Config(t, c, b));
                }
            }
        }
        List<ObjectNode> rows = new ArrayList<>(measure("java", java));
        rows.addAll(measure("xgboost4j", List.of(new Config("grpc", 10, 1), new Config("grpc-stream", 10, 1),
                new Config("grpc", 10, 64), new Config("grpc-stream", 10, 64))));
        ObjectNode out = Bench.figures();
        out.setAll(rows.get(2));
        out.putArray("table").addAll(rows);
        return out;
    }

    private record Config(String transport, int clients, int batch) {}

    /** Starts the server with one engine and measures each configuration against it, in order. */
    private List<ObjectNode> measure(String serverEngine, List<Config> configs) throws Exception {
        engine = serverEngine;
        Path model = BenchModels.xgboost(100, 6);
        Path work = Files.createTempDirectory("bench-serve-");
        ModelBundle bundle = ModelBundle.builder("bench-xgb", "1").model(ModelFormat.XGBOOST_JSON, model)
                .schema(FeatureSchema.unnamed(BenchModels.FEATURES)).writeTo(work.resolve("bundle"));
        try (FileModelRegistry registry = FileModelRegistry.open(work.resolve("registry"))) {
            registry.register("bench-xgb", bundle, Map.of());
            ReferenceServer.Settings settings = new ReferenceServer.Settings(0, List.of(), "champion",
                    ScorerOptions.builder().engine(engine).build(), batching, Duration.ZERO, 64 << 20, 65_536);
            if (scoreOnEventLoops) {
                settings = settings.withResilience(new ReferenceServer.Resilience(
                        ReferenceServer.Resilience.defaults().maxInFlight(), 0, Duration.ZERO, Duration.ZERO));
            }
            InferenceServer server = ReferenceServer.start(registry, settings);
            try {
                List<ObjectNode> results = new ArrayList<>();
                for (Config config : configs) {
                    transport = config.transport();
                    clients = config.clients();
                    batch = config.batch();
                    results.add(run(server.port()));
                }
                return results;
            } finally {
                server.close();
            }
        }
    }

    private ObjectNode run(int port) throws Exception {
        URI uri = URI.create((transport.startsWith("grpc") ? "grpc" : "http") + "://127.0.0.1:" + port);
        float[] pool = BenchModels.rows(4096, 5);
        int features = BenchModels.FEATURES;
        List<InferRequest> requests = new ArrayList<>();
        for (int i = 0; i + batch <= 4096 && requests.size() < 256; i += Math.max(1, batch)) {
            requests.add(InferRequest.builder("bench-xgb").id("r" + i).input(Tensor.fp32("input",
                    new long[] {batch, features}, Arrays.copyOfRange(pool, i * features, (i + batch) * features)))
                    .build());
        }
        List<TritonClient> client = new ArrayList<>();
        for (int i = 0; i < Math.max(1, Math.min(connections, clients)); i++) {
            TritonClient.Builder builder = TritonClient.builder(uri).binaryData(!transport.equals("http"))
                    .deadline(Duration.ofSeconds(30));
            if (directCallbacks) {
                builder.callbackExecutor(Runnable::run);
            }
            client.add(builder.build());
        }
        try {
            Bench.progress("Server on port %d (engine %s); %s, %d clients, %d rows/request; warm-up up to %.0f s", port, engine,
                    transport, clients, batch, warmup);
            warmUp(client, requests);
            jvmWarm = true;
            Bench.progress("Measuring %.0f s ...", seconds);
            long[][] latencies = new long[clients][];
            int[] counts = new int[clients];
            AtomicLong errors = new AtomicLong();
            long start = System.nanoTime();
            drive(client, requests, seconds, new Recorder(latencies, counts, errors));
            double elapsed = (System.nanoTime() - start) / 1e9;
            int total = Arrays.stream(counts).sum();
            long[] all = new long[total];
            int at = 0;
            for (int c = 0; c < clients; c++) {
                System.arraycopy(latencies[c], 0, all, at, counts[c]);
                at += counts[c];
            }
            Arrays.sort(all);
            ObjectNode out = Bench.figures();
            out.put("transport", transport);
            out.put("engine", engine);
            out.put("clients", clients);
            out.put("batch", batch);
            out.put("connections", client.size());
            out.put("direct_callbacks", directCallbacks);
            out.put("score_on_event_loops", scoreOnEventLoops);
            out.put("seconds", elapsed);
            out.put("cpus", Runtime.getRuntime().availableProcessors());
            out.put("p95_ms", percentile(all, 0.95));
            out.put("requests_per_second", total / elapsed);
            out.put("predictions_per_second", total * (double) batch / elapsed);
            out.put("p50_ms", percentile(all, 0.50));
            out.put("p99_ms", percentile(all, 0.99));
            out.put("errors", errors.get());
            Bench.progress("%,.0f requests/s, %,.0f predictions/s, p50 %.3f ms, p99 %.3f ms, %d errors",
                    total / elapsed, total * (double) batch / elapsed, percentile(all, 0.5), percentile(all, 0.99),
                    errors.get());
            return out;
        } finally {
            client.forEach(TritonClient::close);
        }
    }

    /** Whether this JVM already ran a warmed-up configuration. */
    private static boolean jvmWarm;

    /** Warms up in windows until throughput is steady (perf_analyzer's stability rule) or the time is up. */
    private void warmUp(List<TritonClient> client, List<InferRequest> requests) throws InterruptedException {
        List<Double> rates = new ArrayList<>();
        long start = System.nanoTime();
        while ((System.nanoTime() - start) / 1e9 < warmup) {
            int[] counts = new int[clients];
            long t0 = System.nanoTime();
            drive(client, requests, Math.min(1.0, Math.max(0.1, warmup)), new Recorder(new long[clients][], counts,
                    new AtomicLong()));
            double rate = Arrays.stream(counts).sum() / ((System.nanoTime() - t0) / 1e9);
            rates.add(rate);
            Bench.progress("warm-up: %,.0f requests/s", rate);
            int n = rates.size();
            // The first configuration in a JVM also waits for the JIT compilers' first wave (a plateau while
            // they are still busy looks steady): at least 20 windows.
            if (n >= (jvmWarm ? 3 : 20)) {
                double mean = (rates.get(n - 1) + rates.get(n - 2) + rates.get(n - 3)) / 3;
                if (rates.subList(n - 3, n).stream().allMatch(r -> Math.abs(r - mean) <= 0.1 * mean)) {
                    break;
                }
            }
        }
    }

    private record Recorder(long[][] latencies, int[] counts, AtomicLong errors) {}

    /** Each client keeps exactly one request in flight until the time is up. */
    private void drive(List<TritonClient> client, List<InferRequest> requests, double duration, Recorder recorder)
            throws InterruptedException {
        long end = System.nanoTime() + (long) (duration * 1e9);
        CountDownLatch done = new CountDownLatch(clients);
        List<InferStream> streams = new ArrayList<>();
        for (int c = 0; c < clients; c++) {
            int id = c;
            if (recorder != null) {
                recorder.latencies[c] = new long[1 << 16];
            }
            TritonClient connection = client.get(c % client.size());
            Function<InferRequest, CompletableFuture<InferResponse>> send = connection::inferAsync;
            if (transport.equals("grpc-stream")) {
                InferStream stream = connection.openStream();
                streams.add(stream);
                send = stream::infer;
            }
            next(send, requests, id, id * 7, end, recorder, done);
        }
        done.await();
        streams.forEach(InferStream::close);
    }

    private void next(Function<InferRequest, CompletableFuture<InferResponse>> send, List<InferRequest> requests,
            int id, int sequence, long end, Recorder recorder, CountDownLatch done) {
        if (System.nanoTime() >= end) {
            done.countDown();
            return;
        }
        long t0 = System.nanoTime();
        send.apply(requests.get(sequence % requests.size())).whenComplete((InferResponse r, Throwable e) -> {
            long t1 = System.nanoTime();
            if (recorder != null) {
                if (e != null || r.outputs().size() != 2) {
                    if (recorder.errors.incrementAndGet() == 1) {
                        Bench.progress("First failed request: %s", e != null ? e : r);
                    }
                } else {
                    int n = recorder.counts[id];
                    if (n == recorder.latencies[id].length) {
                        recorder.latencies[id] = Arrays.copyOf(recorder.latencies[id], n * 2);
                    }
                    recorder.latencies[id][n] = t1 - t0;
                    recorder.counts[id] = n + 1;
                }
            }
            next(send, requests, id, sequence + 1, end, recorder, done);
        });
    }

    private static double percentile(long[] sorted, double q) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        return sorted[Math.min(sorted.length - 1, (int) (sorted.length * q))] / 1e6;
    }
}
