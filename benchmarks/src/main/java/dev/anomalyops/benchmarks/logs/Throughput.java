package dev.anomalyops.benchmarks.logs;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.List;
import java.util.function.ToIntFunction;

/**
 * Measures single-thread throughput of a function over a list of inputs, after a warm-up, as lines per
 * wall-clock second and per CPU second of the measuring thread (the second is the per-core figure on a busy
 * machine, where wall time also counts time spent waiting for a core). Warm-up and measurement last the given
 * seconds of the thread's CPU time when the JVM can measure it (so that on a busy machine the JIT compilers
 * still get their share before the measurement starts), else of wall-clock time.
 */
public final class Throughput {
    private static volatile long sink;

    private Throughput() {}

    /**
     * @param linesPerSecond lines per wall-clock second
     * @param linesPerCpuSecond lines per CPU second of the thread, NaN when the JVM cannot measure it
     * @param lines lines processed in the measurement
     * @param seconds wall-clock seconds of the measurement
     */
    public record Figure(double linesPerSecond, double linesPerCpuSecond, long lines, double seconds) {}

    /**
     * @param inputs the lines, processed in order, repeatedly
     * @param work the function measured; its results are consumed so the JIT keeps the work
     * @param warmupSeconds wall time spent before measuring
     * @param minSeconds least wall time measured
     * @return the figure of the measured part
     */
    public static Figure measure(List<String> inputs, ToIntFunction<String> work, double warmupSeconds,
            double minSeconds) {
        if (inputs.isEmpty()) {
            return new Figure(0, 0, 0, 0);
        }
        String[] lines = inputs.toArray(new String[0]);
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        boolean cpu = threads.isCurrentThreadCpuTimeSupported();
        long accumulator = 0;
        long warmupStart = clock(threads, cpu);
        long warmup = (long) (warmupSeconds * 1e9);
        while (clock(threads, cpu) - warmupStart < warmup) {
            for (String line : lines) {
                accumulator += work.applyAsInt(line);
            }
        }
        long cpuStart = cpu ? threads.getCurrentThreadCpuTime() : 0;
        long start = System.nanoTime();
        long measureStart = clock(threads, cpu);
        long minimum = (long) (minSeconds * 1e9);
        long count = 0;
        do {
            for (String line : lines) {
                accumulator += work.applyAsInt(line);
            }
            count += lines.length;
        } while (clock(threads, cpu) - measureStart < minimum);
        long elapsed = System.nanoTime() - start;
        long cpuElapsed = cpu ? threads.getCurrentThreadCpuTime() - cpuStart : 0;
        sink += accumulator;
        double seconds = elapsed / 1e9;
        return new Figure(count / seconds, cpu && cpuElapsed > 0 ? count / (cpuElapsed / 1e9) : Double.NaN, count,
                seconds);
    }

    private static long clock(ThreadMXBean threads, boolean cpu) {
        return cpu ? threads.getCurrentThreadCpuTime() : System.nanoTime();
    }
}
