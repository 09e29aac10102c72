package dev.anomalyops.app.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.anomalyops.app.load.LoadGenerator;
import dev.anomalyops.app.load.Soak;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Sustained load (issue 14): capacity measured in this run, then an open-loop load at 70% of it for
 * {@code -Danomalyops.soak.seconds} (60 in CI; the 5-minute run is
 * {@code ./mvnw -B -pl reference-app -am verify -Dtest=SoakTest -Dsurefire.failIfNoSpecifiedTests=false
 * -Danomalyops.soak.seconds=300}, or {@code ./bench soak --seconds 300 --rate-fraction 0.7}). Zero errors, no request
 * shed or timed out, every window's p99 (from send) under half the 10 s time-out (a queue building up would push it
 * there), and
 * the heap after a full GC not growing beyond 32 MB (server and load generator share this JVM). Windows are a quarter
 * of the run below 4 minutes, else one minute. Figures are printed for docs/reliability.md.
 */
class SoakTest {
    private static final long MAX_HEAP_GROWTH = 32L << 20;

    @TempDir
    Path temp;

    @Test
    @Timeout(value = 15, unit = TimeUnit.MINUTES)
    void holdsSeventyPercentOfCapacityWithoutErrorsDriftOrGrowth() throws Exception {
        long seconds = Long.getLong("anomalyops.soak.seconds", 60);
        double fraction = Double.parseDouble(System.getProperty("anomalyops.soak.rateFraction", "0.7"));
        Duration window = seconds >= 240 ? Duration.ofMinutes(1) : Duration.ofSeconds(Math.max(1, seconds / 4));
        try (LoadFixture fixture = new LoadFixture(temp, ReferenceServer.Resilience.defaults());
                LoadGenerator load = new LoadGenerator(fixture.uri(), "cpu", LoadFixture.bodies(8),
                        Duration.ofSeconds(10))) {
            Soak soak = Soak.run(load, 8, fraction, Duration.ofSeconds(seconds), window);
            StringBuilder windows = new StringBuilder();
            for (LoadGenerator.Window w : soak.load().windows()) {
                windows.append(String.format(Locale.ROOT, " [%d: %d ok, p99 %.1f ms, from send %.1f ms]", w.index(),
                        w.ok(), w.p99Ms(), w.sendP99Ms()));
            }
            LoadGenerator.Window t = soak.load().total();
            System.out.printf(Locale.ROOT, "soak: capacity %.0f req/s; offered %.0f req/s (%.0f%%) for %d s: %d sent,"
                    + " %d ok, %d shed, %d timeouts, %d errors; p99 drift %.2fx; heap after GC %.1f -> %.1f MB;%s%n",
                    soak.capacity().okPerSecond(), soak.rate(), fraction * 100, seconds, t.sent(), t.ok(), t.shed(),
                    t.timeouts(), t.errors(), soak.p99Drift(), soak.heapBeforeBytes() / 1e6, soak.heapAfterBytes() / 1e6,
                    windows);

            assertThat(soak.load().errorSamples()).isEmpty();
            assertThat(soak.failures()).isZero();
            assertThat(t.ok()).isEqualTo(t.sent()).isPositive();
            for (LoadGenerator.Window w : soak.load().windows()) {
                assertThat(w.ok()).as("window %d", w.index()).isPositive();
                // Server-side bound (from send): the load generator's own lag on a busy shared machine is reported in
                // p99Ms but is not the server's.
                assertThat(w.sendP99Ms()).as("p99 (from send) of window %d", w.index()).isLessThan(5_000);
            }
            assertThat(soak.heapGrowthBytes()).as("heap growth after GC").isLessThan(MAX_HEAP_GROWTH);
        }
    }
}
