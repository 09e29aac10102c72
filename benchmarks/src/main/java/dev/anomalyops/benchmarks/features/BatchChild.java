package dev.anomalyops.benchmarks.features;

import dev.anomalyops.features.metrics.BatchFeatures;
import dev.anomalyops.features.metrics.FeatureSpec;
import dev.anomalyops.features.metrics.MetricSource;
import dev.anomalyops.features.parquet.ParquetMetrics;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The batch side of {@code ./bench features}, run in its own JVM so that its peak memory is its own: reads the
 * Parquet file, computes the 37 features with {@link BatchFeatures} into a digest, and prints one line
 * {@code rows seconds peakRssBytes digest cpuSeconds} (process CPU time, GC and JIT threads included).
 */
public final class BatchChild {
    private BatchChild() {}

    /**
     * @param args the Parquet file
     * @throws Exception when the run fails
     */
    public static void main(String[] args) throws Exception {
        FeatureSpec spec = FeatureWorkload.spec37();
        int width = spec.schema().size();
        RowDigest digest = new RowDigest();
        com.sun.management.OperatingSystemMXBean os = (com.sun.management.OperatingSystemMXBean)
                java.lang.management.ManagementFactory.getOperatingSystemMXBean();
        long cpuStart = os.getProcessCpuTime();
        long start = System.nanoTime();
        BatchFeatures.Result result;
        try (MetricSource source = ParquetMetrics.open(spec, List.of(Path.of(args[0])))) {
            result = BatchFeatures.of(spec).run(source, (instance, ts, row, offset) -> digest.add(instance, row, offset, width),
                    (n, i, t, o) -> { });
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        double cpuSeconds = (os.getProcessCpuTime() - cpuStart) / 1e9;
        long peak = 0;
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmHWM:")) {
                peak = Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
            }
        }
        System.out.println(result.rowsOut() + " " + seconds + " " + peak + " " + digest.value() + " " + cpuSeconds);
    }
}
