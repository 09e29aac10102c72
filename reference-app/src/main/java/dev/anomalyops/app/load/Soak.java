package dev.anomalyops.app.load;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * The sustained-load drill: measures the server's capacity (closed loop), then offers a fixed fraction of it open-loop
 * for a while and reports, per window (a minute in the 5-minute run), the p99 latency from each request's scheduled
 * start, the drift of p99 from the first to the last window, errors, and the heap after a full GC before and after
 * the load (server and load generator in this JVM: growth there is a leak in one of them).
 *
 * @param capacity the closed-loop run that measured capacity
 * @param rate the offered rate, requests per second
 * @param load the open-loop run
 * @param heapBeforeBytes heap used after {@code System.gc()} before the open-loop run
 * @param heapAfterBytes heap used after {@code System.gc()} after it
 */
public record Soak(LoadGenerator.Result capacity, double rate, LoadGenerator.Result load, long heapBeforeBytes,
        long heapAfterBytes) {
    /** Checks nulls. */
    public Soak {
        Objects.requireNonNull(capacity, "capacity");
        Objects.requireNonNull(load, "load");
    }

    /**
     * @param generator drives the server
     * @param clients closed-loop clients measuring capacity
     * @param rateFraction fraction of the measured capacity to offer, in (0, 1]
     * @param duration how long to offer it
     * @param window reporting window
     * @return the figures
     * @throws InterruptedException when interrupted
     */
    public static Soak run(LoadGenerator generator, int clients, double rateFraction, Duration duration,
            Duration window) throws InterruptedException {
        if (!(rateFraction > 0 && rateFraction <= 1)) {
            throw new IllegalArgumentException("rateFraction must be in (0, 1] but was " + rateFraction);
        }
        generator.closedLoop(clients, Duration.ofSeconds(5));
        LoadGenerator.Result capacity = generator.closedLoop(clients, Duration.ofSeconds(5));
        double rate = Math.max(1, capacity.okPerSecond() * rateFraction);
        long before = heapAfterGc();
        LoadGenerator.Result load = generator.openLoop(rate, duration, window);
        long after = heapAfterGc();
        return new Soak(capacity, rate, load, before, after);
    }

    /** @return heap used after two full collections, bytes */
    public static long heapAfterGc() {
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        System.gc();
        System.gc();
        return memory.getHeapMemoryUsage().getUsed();
    }

    /** @return p99 of the last window over p99 of the first (1.0: no drift) */
    public double p99Drift() {
        List<LoadGenerator.Window> windows = load.windows();
        return windows.get(windows.size() - 1).p99Ms() / windows.get(0).p99Ms();
    }

    /** @return heap growth over the run, bytes (negative: it shrank) */
    public long heapGrowthBytes() {
        return heapAfterBytes - heapBeforeBytes;
    }

    /** @return requests that failed or timed out (shed ones count too: at this rate none should be) */
    public long failures() {
        LoadGenerator.Window t = load.total();
        return t.errors() + t.timeouts() + t.shed() + (t.sent() - t.ok() - t.errors() - t.timeouts() - t.shed());
    }
}
