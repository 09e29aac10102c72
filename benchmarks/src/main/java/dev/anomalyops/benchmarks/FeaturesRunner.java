package dev.anomalyops.benchmarks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.anomalyops.benchmarks.features.BatchChild;
import dev.anomalyops.benchmarks.features.FeatureWorkload;
import dev.anomalyops.benchmarks.features.RowDigest;
import dev.anomalyops.features.metrics.FeatureSpec;
import dev.anomalyops.features.metrics.OnlineFeatures;
import dev.anomalyops.features.metrics.Outcome;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ./bench features}: the metric-feature figures of the 37-feature spec (windows 5/15/60 x mean/std/min/max,
 * lags 1/5/15, diff 1, pct 1, hour/day-of-week/weekend over two metrics).
 */
@Command(name = "features", mixinStandardHelpOptions = true,
        description = {"Online and batch metric-feature throughput (37 features) against pandas rolling windows.",
            "",
            "Data: generated, deterministic for --seed: --instances machines sampled once a minute, two metrics (cpu: a",
            "daily cycle + noise + rare spikes; network_in: log-normal load), 0.1%% missing values, --rows rows sorted by",
            "instance and time. It is written once to --data (a Parquet file for Java, NumPy arrays for pandas) and reused.",
            "",
            "Online: one thread feeds the samples interleaved across instances (as a service sees them) to OnlineFeatures;",
            "online_samples_per_second is per core: samples over that thread's CPU time (best of --repeats passes).",
            "Batch: a child JVM (-Xmx512m) reads the Parquet file and runs BatchFeatures; time includes reading Parquet.",
            "pandas: /usr/bin/python3 with Debian's python3-pandas runs anomaly-features/src/test/python/pandas_features.py",
            "(groupby + rolling) on the same rows; time includes loading the NumPy arrays. Peak memory is each process's RSS.",
            "batch_rows_per_second and pandas_rows_per_second are wall-clock rows/s; *_cpu_seconds give CPU time too.",
            "online_equals_batch: per-instance digests of the exact float bits of every online and batch row match.",
            "",
            "Last stdout line: {\"online_samples_per_second\", \"batch_rows_per_second\", \"pandas_rows_per_second\",",
            "\"online_equals_batch\", ...}."})
public final class FeaturesRunner implements Bench.Runner {
    @Option(names = "--rows", defaultValue = "10000000", description = "Rows of generated data (default ${DEFAULT-VALUE}).")
    int rows;

    @Option(names = "--instances", defaultValue = "1500", description = "Instances (default ${DEFAULT-VALUE}).")
    int instances;

    @Option(names = "--seed", defaultValue = "42", description = "Data seed (default ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--data", defaultValue = "target/bench-features", description = "Folder for the generated data (default ${DEFAULT-VALUE}).")
    Path data;

    @Option(names = "--repeats", defaultValue = "3", description = "Timed online passes; the best counts (default ${DEFAULT-VALUE}).")
    int repeats;

    @Option(names = "--no-pandas", description = "Skip the pandas comparison.")
    boolean noPandas;

    @Option(names = "--python", defaultValue = "/usr/bin/python3", description = "Python with pandas (default ${DEFAULT-VALUE}).")
    String python;

    @Override
    public ObjectNode call() throws Exception {
        FeatureSpec spec = FeatureWorkload.spec37();
        int width = spec.schema().size();
        Bench.progress("Generating %,d rows for %,d instances (seed %d) ...", rows, instances, seed);
        FeatureWorkload w = FeatureWorkload.generate(rows, instances, seed);
        Path dir = data.resolve(rows + "x" + instances + "-" + seed);
        Path parquet = dir.resolve("metrics.parquet");
        Path numpy = dir.resolve("numpy");
        if (!Files.exists(parquet) || !Files.exists(numpy.resolve("network_in.npy"))) {
            Files.createDirectories(dir);
            Bench.progress("Writing %s and %s ...", parquet, numpy);
            w.writeParquet(parquet);
            w.writeNumpy(numpy);
        }

        // Online: interleaved arrival, one thread.
        int[] order = w.arrivalOrder();
        String[] instanceOf = new String[rows];
        for (int r = 0; r < rows; r++) {
            instanceOf[r] = w.names[w.instance[r]];
        }
        java.lang.management.ThreadMXBean threads = java.lang.management.ManagementFactory.getThreadMXBean();
        double best = Double.MAX_VALUE;
        double bestCpu = Double.MAX_VALUE;
        float[] row = new float[width];
        double[] values = new double[2];
        for (int pass = 0; pass < Math.max(1, repeats); pass++) {
            OnlineFeatures online = OnlineFeatures.builder(spec).clock(InstantSource.fixed(Instant.EPOCH)).build();
            long cpuStart = threads.getCurrentThreadCpuTime();
            long start = System.nanoTime();
            for (int i = 0; i < rows; i++) {
                int r = order[i];
                values[0] = w.values[2 * r];
                values[1] = w.values[2 * r + 1];
                online.update(instanceOf[r], w.timestamp[r], values, row, 0);
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            double cpu = (threads.getCurrentThreadCpuTime() - cpuStart) / 1e9;
            best = Math.min(best, seconds);
            bestCpu = Math.min(bestCpu, cpu);
            Bench.progress("Online pass %d: %,d samples in %.2f s wall, %.2f s CPU (%,.0f samples/s per core)", pass + 1,
                    rows, seconds, cpu, rows / cpu);
        }
        // Digest of the online rows, for the equality check.
        RowDigest onlineDigest = new RowDigest();
        OnlineFeatures online = OnlineFeatures.builder(spec).clock(InstantSource.fixed(Instant.EPOCH)).build();
        for (int i = 0; i < rows; i++) {
            int r = order[i];
            values[0] = w.values[2 * r];
            values[1] = w.values[2 * r + 1];
            if (online.update(instanceOf[r], w.timestamp[r], values, row, 0) == Outcome.ACCEPTED) {
                onlineDigest.add(instanceOf[r], row, 0, width);
            }
        }

        Bench.progress("Batch: child JVM over %s ...", parquet);
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> command = new ArrayList<>(List.of(java, "-Xmx512m", "-XX:+UseParallelGC", "-cp",
                System.getProperty("java.class.path"), BatchChild.class.getName(), parquet.toString()));
        String[] batch = run(command, "batch").strip().split("\\R");
        String[] b = batch[batch.length - 1].trim().split(" ");
        long batchRows = Long.parseLong(b[0]);
        double batchSeconds = Double.parseDouble(b[1]);
        long batchPeak = Long.parseLong(b[2]);
        boolean equal = Long.parseLong(b[3]) == onlineDigest.value() && batchRows == onlineDigest.rows();
        double batchCpu = Double.parseDouble(b[4]);
        Bench.progress("Batch: %,d rows in %.2f s, peak RSS %.0f MB; online equals batch: %s", batchRows, batchSeconds,
                batchPeak / 1e6, equal);

        ObjectNode out = Bench.figures();
        // Per core: samples over the feeding thread's CPU time (equal to wall time on an idle machine; on a shared
        // one, wall time also counts the time other processes held the core).
        out.put("online_samples_per_second", Math.round(rows / bestCpu));
        out.put("batch_rows_per_second", Math.round(batchRows / batchSeconds));
        if (!noPandas) {
            Path script = locate("anomaly-features/src/test/python/pandas_features.py");
            Bench.progress("pandas: %s ...", script);
            String[] lines = run(List.of(python, script.toString(), "--input", numpy.toString(), "--metrics", "cpu,network_in",
                    "--windows", "5,15,60", "--lags", "1,5,15", "--diffs", "1", "--pcts", "1"), "pandas").strip().split("\\R");
            JsonNode p = new ObjectMapper().readTree(lines[lines.length - 1]);
            double pandasSeconds = p.path("load_seconds").asDouble() + p.path("compute_seconds").asDouble();
            out.put("pandas_rows_per_second", Math.round(p.path("rows").asLong() / pandasSeconds));
            out.put("pandas_seconds", pandasSeconds);
            out.put("pandas_compute_seconds", p.path("compute_seconds").asDouble());
            out.put("pandas_peak_rss_bytes", p.path("peak_rss_bytes").asLong());
            out.put("pandas_features", p.path("features").asInt());
            out.put("batch_speedup_vs_pandas", pandasSeconds / batchSeconds);
            out.put("pandas_cpu_seconds", p.path("cpu_seconds").asDouble());
            out.put("batch_cpu_speedup_vs_pandas", p.path("cpu_seconds").asDouble() / batchCpu);
            Bench.progress("pandas: %.2f s (compute %.2f s), peak RSS %.0f MB", pandasSeconds,
                    p.path("compute_seconds").asDouble(), p.path("peak_rss_bytes").asLong() / 1e6);
        } else {
            out.putNull("pandas_rows_per_second");
        }
        out.put("batch_seconds", batchSeconds);
        out.put("batch_cpu_seconds", batchCpu);
        out.put("online_wall_samples_per_second", Math.round(rows / best));
        out.put("batch_peak_rss_bytes", batchPeak);
        out.put("online_seconds", best);
        out.put("online_bytes_per_instance", online.bytesPerInstance());
        out.put("features", width);
        out.put("rows", rows);
        out.put("instances", instances);
        out.put("cores", Runtime.getRuntime().availableProcessors());
        out.put("online_equals_batch", equal);
        return out;
    }

    private static Path locate(String relative) {
        for (Path d = Path.of("").toAbsolutePath(); d != null; d = d.getParent()) {
            if (Files.exists(d.resolve(relative))) {
                return d.resolve(relative);
            }
        }
        throw new IllegalStateException("Cannot find " + relative + " above " + Path.of("").toAbsolutePath());
    }

    private static String run(List<String> command, String what) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(30, TimeUnit.MINUTES) || p.exitValue() != 0) {
            throw new IllegalStateException("The " + what + " run failed (exit " + p.exitValue() + "): " + out);
        }
        return out;
    }
}
