package dev.anomalyops.benchmarks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.anomalyops.benchmarks.drift.DriftBenchmark;
import dev.anomalyops.benchmarks.drift.DriftData;
import dev.anomalyops.core.FeatureSchema;
import dev.anomalyops.core.scoring.FeatureBatch;
import dev.anomalyops.drift.DriftCalculator;
import dev.anomalyops.drift.DriftMonitor;
import dev.anomalyops.drift.DriftReport;
import dev.anomalyops.drift.FeatureDrift;
import dev.anomalyops.drift.FeatureProfile;
import dev.anomalyops.drift.ProfileOptions;
import dev.anomalyops.drift.ReferenceProfile;
import java.io.BufferedOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.format.OutputFormatFactory;
import org.openjdk.jmh.runner.options.VerboseMode;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ./bench drift}: PSI (with KL, Jensen-Shannon, missing rate and outlier share) for 37 features over a window
 * of one million rows, timed on one thread; the same statistics computed by numpy/scipy (Debian's python3) from the
 * same data in the same run, compared value by value; and the drift monitor's cost per scored row, measured with
 * JMH ({@code DriftBenchmark.recordOneRow}); also the monitor's cost per row in 1,000-row requests and the time to
 * compute the statistics of a monitor window holding the million rows (bin counts only). Last line:
 * {@code {"psi_ms_37x1m", "monitor_ns_per_row", "max_abs_diff_vs_numpy", ...}}.
 *
 * <p>Data: synthetic server metrics ({@link DriftData}: Gaussian, log-normal, discrete with ties, bounded uniform,
 * 0.4 % missing in some features); the window is drifted on a third of the features. Times are medians of repeated
 * runs after warm-up; thread CPU time is reported beside wall time because the figure is "on one core" and shared
 * machines lend less than a core.
 */
@Command(name = "drift", mixinStandardHelpOptions = true,
        description = "PSI/KL/JS for 37 features over 1M rows (time and parity with numpy) and the drift monitor's cost per row (JMH).")
public final class DriftRunner implements Bench.Runner {
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    @Option(names = "--rows", defaultValue = "1000000", description = "Rows in the production window (default ${DEFAULT-VALUE}).")
    int rows;

    @Option(names = "--features", defaultValue = "37", description = "Features per row (default ${DEFAULT-VALUE}).")
    int features;

    @Option(names = "--reference-rows", defaultValue = "500000", description = "Training rows the profile is learnt from (default ${DEFAULT-VALUE}).")
    int referenceRows;

    @Option(names = "--repeats", defaultValue = "7", description = "Timed repetitions after warm-up (default ${DEFAULT-VALUE}).")
    int repeats;

    @Option(names = "--seed", defaultValue = "42", description = "Random seed (default ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--python", defaultValue = "/usr/bin/python3", description = "Python with numpy and scipy (default ${DEFAULT-VALUE}).")
    Path python;

    @Option(names = "--script", description = "drift_stats.py (default: anomaly-drift/src/test/python/drift_stats.py of this checkout).")
    Path script;

    @Option(names = "--no-jmh", description = "Skip the JMH measurement of the monitor (monitor_ns_per_row is then null).")
    boolean noJmh;

    @Override
    public ObjectNode call() throws Exception {
        ObjectNode figures = Bench.figures();
        FeatureSchema schema = DriftData.schema(features);
        Bench.progress("Generating %,d training and %,d production rows of %d features ...", referenceRows, rows, features);
        FeatureBatch training = DriftData.rows(schema, referenceRows, 0, seed);
        double[] trainingP = DriftData.probabilities(training, seed + 1);
        FeatureBatch window = DriftData.rows(schema, rows, 0.5, seed + 2);
        double[] windowP = DriftData.probabilities(window, seed + 3);

        long start = System.nanoTime();
        ReferenceProfile profile = ReferenceProfile.learn(training, trainingP, ProfileOptions.defaults());
        figures.put("learn_ms", (System.nanoTime() - start) / 1e6);
        DriftCalculator calculator = DriftCalculator.builder(profile).build();

        Bench.progress("Timing PSI/KL/JS over the window on one thread (%d repeats) ...", repeats);
        for (int i = 0; i < 3; i++) {
            calculator.compare(window, null);
        }
        double[] wall = new double[repeats];
        double[] cpu = new double[repeats];
        DriftReport timed = null;
        for (int i = 0; i < repeats; i++) {
            long c0 = THREADS.getCurrentThreadCpuTime();
            long w0 = System.nanoTime();
            timed = calculator.compare(window, null);
            wall[i] = (System.nanoTime() - w0) / 1e6;
            cpu[i] = (THREADS.getCurrentThreadCpuTime() - c0) / 1e6;
        }
        figures.put("psi_ms_37x1m", round(median(wall)));
        figures.put("psi_cpu_ms_37x1m", round(median(cpu)));
        figures.put("psi_ms_37x1m_min", round(Arrays.stream(wall).min().orElseThrow()));
        figures.put("psi_ns_per_value", round(median(wall) * 1e6 / ((double) rows * features)));
        figures.put("max_feature_psi", round(timed.maxFeaturePsi()));
        Bench.progress("PSI over %,d x %d: median %.1f ms wall, %.1f ms CPU", rows, features, median(wall), median(cpu));

        // The streaming side: the same million rows fed to a DriftMonitor in 1,000-row requests, then the
        // statistics of its window, which come from bin counts alone.
        DriftMonitor monitor = DriftMonitor.builder(profile, "bench", "1").build();
        for (int from = 0; from < rows; from += 1000) {
            monitor.record(window.values(), from * features, Math.min(1000, rows - from), windowP, from);
        }
        double[] ingest = new double[Math.max(1, repeats / 2)];
        for (int i = 0; i < ingest.length; i++) {
            long w0 = System.nanoTime();
            for (int from = 0; from < rows; from += 1000) {
                monitor.record(window.values(), from * features, Math.min(1000, rows - from), windowP, from);
            }
            ingest[i] = (System.nanoTime() - w0) / (double) rows;
        }
        double[] snapshot = new double[repeats];
        for (int i = 0; i < repeats; i++) {
            long w0 = System.nanoTime();
            monitor.snapshot();
            snapshot[i] = (System.nanoTime() - w0) / 1e6;
        }
        figures.put("monitor_ingest_ns_per_row_batch1000", round(median(ingest)));
        figures.put("window_snapshot_ms", round(median(snapshot)));
        Bench.progress("Monitor: %.1f ns/row in 1,000-row requests; statistics of its window: %.3f ms", median(ingest),
                median(snapshot));

        Bench.progress("Computing the same statistics with numpy/scipy ...");
        DriftReport full = calculator.compare(window, windowP);
        JsonNode numpy = runNumpy(training, trainingP, window, windowP);
        figures.put("numpy_compare_ms", round(numpy.get("compare_seconds").asDouble() * 1000));
        figures.put("numpy_learn_ms", round(numpy.get("learn_seconds").asDouble() * 1000));
        double maxDiff = 0;
        boolean binsIdentical = true;
        for (int f = 0; f < features; f++) {
            JsonNode expected = numpy.get("features").get(f);
            binsIdentical &= sameBins(profile.features().get(f), full.features().get(f), expected);
            maxDiff = Math.max(maxDiff, maxDiff(full.features().get(f), expected.get("window")));
        }
        JsonNode expectedPrediction = numpy.get("prediction");
        binsIdentical &= sameBins(profile.prediction().orElseThrow(), full.prediction().orElseThrow(), expectedPrediction);
        maxDiff = Math.max(maxDiff, maxDiff(full.prediction().orElseThrow(), expectedPrediction.get("window")));
        maxDiff = Math.max(maxDiff, Math.abs(full.anomalyRate() - numpy.get("anomaly_rate").asDouble()));
        figures.put("max_abs_diff_vs_numpy", maxDiff);
        figures.put("bins_and_counts_identical", binsIdentical);
        Bench.progress("Largest difference from numpy/scipy over %d statistics: %.3g; bin edges and counts identical: %b",
                5 * (features + 1) + 1, maxDiff, binsIdentical);

        if (noJmh) {
            figures.putNull("monitor_ns_per_row");
        } else {
            Bench.progress("Measuring the drift monitor per row with JMH (about 20 s) ...");
            Options options = new OptionsBuilder()
                    .include(DriftBenchmark.class.getName() + "\\.record.*")
                    .forks(1).warmupIterations(3).warmupTime(TimeValue.seconds(1))
                    .measurementIterations(5).measurementTime(TimeValue.seconds(1))
                    .timeUnit(TimeUnit.NANOSECONDS).shouldFailOnError(true)
                    .build();
            // JMH reports on stderr: stdout's last line must stay the JSON figures.
            Collection<RunResult> results = new Runner(options,
                    OutputFormatFactory.createFormatInstance(System.err, VerboseMode.NORMAL)).run();
            for (RunResult result : results) {
                String name = result.getParams().getBenchmark();
                double score = result.getPrimaryResult().getScore();
                if (name.endsWith(".recordOneRow")) {
                    figures.put("monitor_ns_per_row", round(score));
                    figures.put("monitor_ns_per_row_error", round(result.getPrimaryResult().getScoreError()));
                } else if (name.endsWith(".recordBatchOf64PerRow")) {
                    figures.put("monitor_ns_per_row_batch64", round(score));
                }
            }
        }
        figures.put("rows", rows);
        figures.put("features", features);
        figures.put("available_processors", Runtime.getRuntime().availableProcessors());
        figures.put("load_average", round(ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage()));
        return figures;
    }

    private JsonNode runNumpy(FeatureBatch training, double[] trainingP, FeatureBatch window, double[] windowP)
            throws IOException, InterruptedException {
        Path dir = Files.createTempDirectory("anomalyops-drift-bench");
        try {
            Path ref = write(dir.resolve("ref.f32"), training);
            Path win = write(dir.resolve("win.f32"), window);
            Path refP = write(dir.resolve("ref.f64"), trainingP);
            Path winP = write(dir.resolve("win.f64"), windowP);
            Path scriptPath = script != null ? script : repositoryRoot().resolve("anomaly-drift/src/test/python/drift_stats.py");
            if (!Files.isRegularFile(scriptPath)) {
                throw new IllegalStateException("Cannot find drift_stats.py at " + scriptPath + "; pass --script");
            }
            List<String> command = new ArrayList<>(List.of(python.toString(), scriptPath.toString(),
                    "--reference", ref.toString(), "--window", win.toString(), "--columns", Integer.toString(features),
                    "--reference-predictions", refP.toString(), "--window-predictions", winP.toString()));
            Process process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
            byte[] out = process.getInputStream().readAllBytes();
            if (!process.waitFor(30, TimeUnit.MINUTES) || process.exitValue() != 0) {
                throw new IllegalStateException(python + " " + scriptPath + " failed (exit " + process.exitValue()
                        + "); numpy and scipy are needed: apt-get install python3-numpy python3-scipy");
            }
            return new ObjectMapper().readTree(new String(out, StandardCharsets.UTF_8));
        } finally {
            try (var files = Files.list(dir)) {
                for (Path file : files.toList()) {
                    Files.deleteIfExists(file);
                }
            }
            Files.deleteIfExists(dir);
        }
    }

    private static Path repositoryRoot() {
        try {
            Path classes = Path.of(DriftRunner.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            // benchmarks/target/classes
            return classes.getParent().getParent().getParent();
        } catch (java.net.URISyntaxException e) {
            return Path.of("").toAbsolutePath();
        }
    }

    private static boolean sameBins(FeatureProfile profile, FeatureDrift drift, JsonNode expected) {
        double[] edges = profile.edges();
        JsonNode e = expected.get("edges");
        if (e.size() != edges.length) {
            return false;
        }
        for (int i = 0; i < edges.length; i++) {
            if (Double.doubleToLongBits(edges[i] + 0.0) != Double.doubleToLongBits(e.get(i).asDouble() + 0.0)) {
                return false;
            }
        }
        long[] counts = profile.counts();
        JsonNode windowCounts = expected.get("window").get("counts");
        for (int b = 0; b < counts.length; b++) {
            if (counts[b] != expected.get("counts").get(b).asLong()
                    || Math.round(drift.productionShare(b) * drift.binned()) != windowCounts.get(b).asLong()) {
                return false;
            }
        }
        return true;
    }

    private static double maxDiff(FeatureDrift drift, JsonNode expected) {
        double diff = 0;
        diff = Math.max(diff, Math.abs(drift.psi() - expected.get("psi").asDouble()));
        diff = Math.max(diff, Math.abs(drift.klDivergence() - expected.get("kl").asDouble()));
        diff = Math.max(diff, Math.abs(drift.jensenShannon() - expected.get("js").asDouble()));
        diff = Math.max(diff, Math.abs(drift.missingRate() - expected.get("missing_rate").asDouble()));
        diff = Math.max(diff, Math.abs(drift.outlierPercentage() - expected.get("outlier_percentage").asDouble()));
        return Double.isNaN(diff) ? Double.POSITIVE_INFINITY : diff;
    }

    private static Path write(Path file, FeatureBatch batch) throws IOException {
        float[] values = batch.values();
        int count = batch.rows() * batch.columns();
        ByteBuffer buffer = ByteBuffer.allocate(1 << 20).order(ByteOrder.LITTLE_ENDIAN);
        try (OutputStream out = Files.newOutputStream(file)) {
            for (int i = 0; i < count; i++) {
                if (!buffer.hasRemaining()) {
                    out.write(buffer.array(), 0, buffer.position());
                    buffer.clear();
                }
                buffer.putFloat(values[i]);
            }
            out.write(buffer.array(), 0, buffer.position());
        }
        return file;
    }

    private static Path write(Path file, double[] values) throws IOException {
        try (DataOutputStream out = new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(file)))) {
            for (double value : values) {
                out.writeLong(Long.reverseBytes(Double.doubleToRawLongBits(value)));
            }
        }
        return file;
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    private static double round(double value) {
        return Math.round(value * 1000) / 1000.0;
    }
}
