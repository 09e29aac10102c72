package dev.anomalyops.benchmarks.features;

import dev.anomalyops.features.metrics.FeatureSpec;
import dev.anomalyops.features.metrics.MetricFrame;
import dev.anomalyops.features.metrics.Stat;
import dev.anomalyops.features.metrics.TimeFeature;
import dev.anomalyops.features.metrics.Window;
import dev.anomalyops.features.parquet.Column;
import dev.anomalyops.features.parquet.ParquetMetrics;
import dev.anomalyops.features.parquet.ParquetTableWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The synthetic workload of {@code ./bench features} and the JMH benchmark: {@code instances} machines sampled once a
 * minute, two metrics ({@code cpu}: a daily cycle plus noise and rare spikes; {@code network_in}: a log-normal
 * load that follows the cycle), 0.1 % of values missing, sorted by instance and time. Deterministic for a seed.
 */
public final class FeatureWorkload {
    /** Epoch ms of the first sample (2026-01-05T00:00Z, a Monday). */
    public static final long START = 1_767_571_200_000L;
    private static final long MINUTE = 60_000L;

    /** Instance index per row. */
    public final int[] instance;
    /** Instance names. */
    public final String[] names;
    /** Timestamps, epoch ms. */
    public final long[] timestamp;
    /** Metric values, row-major (cpu, network_in). */
    public final double[] values;
    /** Number of rows. */
    public final int rows;

    private FeatureWorkload(int rows, int instances, long seed) {
        this.rows = rows;
        this.instance = new int[rows];
        this.timestamp = new long[rows];
        this.values = new double[rows * 2];
        this.names = new String[instances];
        for (int i = 0; i < instances; i++) {
            names[i] = String.format("i-%08x", (i + 1) * 2_654_435_761L & 0xffffffffL);
        }
        SplittableRandom random = new SplittableRandom(seed);
        int per = rows / instances;
        int r = 0;
        for (int i = 0; i < instances; i++) {
            int count = per + (i < rows % instances ? 1 : 0);
            double base = 20 + random.nextDouble() * 40;
            double phase = random.nextDouble() * 2 * Math.PI;
            for (int k = 0; k < count; k++, r++) {
                instance[r] = i;
                timestamp[r] = START + k * MINUTE;
                double day = Math.sin(2 * Math.PI * k / 1440.0 + phase);
                double cpu = base + 15 * day + random.nextDouble() * 4 - 2;
                if (random.nextDouble() < 0.001) {
                    cpu += 40;
                }
                double net = Math.exp(13 + 0.5 * day + 0.2 * (random.nextDouble() - 0.5));
                values[2 * r] = random.nextDouble() < 0.001 ? Double.NaN : cpu;
                values[2 * r + 1] = random.nextDouble() < 0.001 ? Double.NaN : net;
            }
        }
    }

    /**
     * @param rows total rows
     * @param instances instances (rows are split evenly)
     * @param seed the seed
     * @return the workload
     */
    public static FeatureWorkload generate(int rows, int instances, long seed) {
        return new FeatureWorkload(rows, instances, seed);
    }

    /** @return the 37-feature spec: windows 5/15/60 x mean/std/min/max, lags 1/5/15, diff 1, pct 1, calendar */
    public static FeatureSpec spec37() {
        return FeatureSpec.builder("bench-37").metrics("cpu", "network_in")
                .window(Window.ofSamples(5, Stat.MEAN, Stat.STD, Stat.MIN, Stat.MAX))
                .window(Window.ofSamples(15, Stat.MEAN, Stat.STD, Stat.MIN, Stat.MAX))
                .window(Window.ofSamples(60, Stat.MEAN, Stat.STD, Stat.MIN, Stat.MAX))
                .lags(1, 5, 15).diffs(1).pctChanges(1)
                .time(TimeFeature.HOUR, TimeFeature.DAY_OF_WEEK, TimeFeature.WEEKEND).build();
    }

    /**
     * @return row indices in arrival order: instances interleaved by time, as samples reach a service
     */
    public int[] arrivalOrder() {
        int instances = names.length;
        int[] start = new int[instances + 1];
        for (int r = 0; r < rows; r++) {
            start[instance[r] + 1]++;
        }
        for (int i = 0; i < instances; i++) {
            start[i + 1] += start[i];
        }
        int[] order = new int[rows];
        int[] next = start.clone();
        int n = 0;
        for (int k = 0; n < rows; k++) {
            for (int i = 0; i < instances; i++) {
                if (next[i] < start[i + 1]) {
                    order[n++] = next[i]++;
                }
            }
        }
        return order;
    }

    /**
     * Writes the rows as a Parquet metric file (instance, timestamp, cpu, network_in).
     *
     * @param file the target
     */
    public void writeParquet(Path file) {
        List<Column> columns = ParquetMetrics.columns("instance", "timestamp", List.of("cpu", "network_in"));
        try (ParquetTableWriter w = ParquetTableWriter.create(file, columns, Map.of("anomalyops.workload", "bench-features"))) {
            for (int r = 0; r < rows; r++) {
                w.row(names[instance[r]], timestamp[r], values[2 * r], values[2 * r + 1]);
            }
        }
    }

    /**
     * Writes the rows as NumPy arrays for the pandas reference: instance.npy (int32 codes), timestamp.npy (int64 ms),
     * cpu.npy and network_in.npy (float64).
     *
     * @param dir the folder
     * @throws IOException when writing fails
     */
    public void writeNumpy(Path dir) throws IOException {
        Files.createDirectories(dir);
        ByteBuffer ints = ByteBuffer.allocate(rows * 4).order(ByteOrder.LITTLE_ENDIAN);
        ByteBuffer longs = ByteBuffer.allocate(rows * 8).order(ByteOrder.LITTLE_ENDIAN);
        ByteBuffer cpu = ByteBuffer.allocate(rows * 8).order(ByteOrder.LITTLE_ENDIAN);
        ByteBuffer net = ByteBuffer.allocate(rows * 8).order(ByteOrder.LITTLE_ENDIAN);
        for (int r = 0; r < rows; r++) {
            ints.putInt(instance[r]);
            longs.putLong(timestamp[r]);
            cpu.putDouble(values[2 * r]);
            net.putDouble(values[2 * r + 1]);
        }
        npy(dir.resolve("instance.npy"), "<i4", ints.array());
        npy(dir.resolve("timestamp.npy"), "<i8", longs.array());
        npy(dir.resolve("cpu.npy"), "<f8", cpu.array());
        npy(dir.resolve("network_in.npy"), "<f8", net.array());
    }

    private void npy(Path file, String dtype, byte[] data) throws IOException {
        String dict = "{'descr': '" + dtype + "', 'fortran_order': False, 'shape': (" + rows + ",), }";
        int total = 10 + dict.length() + 1;
        int pad = (64 - total % 64) % 64;
        StringBuilder header = new StringBuilder(dict);
        header.append(" ".repeat(pad)).append('\n');
        try (OutputStream out = Files.newOutputStream(file)) {
            out.write(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0});
            int len = header.length();
            out.write(new byte[] {(byte) (len & 0xff), (byte) (len >> 8)});
            out.write(header.toString().getBytes(StandardCharsets.US_ASCII));
            out.write(data);
        }
    }

    /** @return a frame view of the rows (copies), for tests */
    public MetricFrame frame() {
        MetricFrame f = new MetricFrame(List.of("cpu", "network_in"), rows);
        for (int r = 0; r < rows; r++) {
            f.add(names[instance[r]], timestamp[r], values[2 * r], values[2 * r + 1]);
        }
        return f;
    }
}
