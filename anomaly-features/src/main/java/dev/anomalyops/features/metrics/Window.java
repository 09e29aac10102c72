package dev.anomalyops.features.metrics;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A rolling window and the statistics computed over it. The window ending at a sample holds that sample and the
 * {@code length - 1} steps before it. A window given as a duration is converted to steps with the spec's
 * {@code interval} (it must divide exactly), and then requires {@link GapPolicy#FILL} so that a step is always one
 * interval.
 *
 * @param samples the window length in steps, or 0 when {@code duration} gives it
 * @param duration the window length as a duration, or empty
 * @param stats the statistics, in output order
 * @param nan how missing steps are treated
 * @param minPeriods with {@link NanPolicy#SKIP}, the fewest present values that give a statistic (default 1)
 * @param metrics the metrics it applies to; empty means all of the spec's metrics
 */
public record Window(int samples, Optional<Duration> duration, List<Stat> stats, NanPolicy nan, int minPeriods,
        List<String> metrics) {
    /** Copies the lists; range checks happen in {@link FeatureSpec.Builder#build()}, which reports them all. */
    public Window {
        Objects.requireNonNull(duration, "duration");
        stats = List.copyOf(stats);
        Objects.requireNonNull(nan, "nan");
        metrics = List.copyOf(metrics);
    }

    /**
     * @param samples the length in steps
     * @param stats the statistics
     * @return a window that skips missing values, needs one present value, and applies to every metric
     */
    public static Window ofSamples(int samples, Stat... stats) {
        return new Window(samples, Optional.empty(), List.of(stats), NanPolicy.SKIP, 1, List.of());
    }

    /**
     * @param duration the length as a duration (the spec needs an interval that divides it)
     * @param stats the statistics
     * @return a window that skips missing values, needs one present value, and applies to every metric
     */
    public static Window ofDuration(Duration duration, Stat... stats) {
        return new Window(0, Optional.of(duration), List.of(stats), NanPolicy.SKIP, 1, List.of());
    }

    /**
     * @param policy the NaN policy
     * @param minPeriods the fewest present values under {@link NanPolicy#SKIP}
     * @return a copy with that policy
     */
    public Window withNan(NanPolicy policy, int minPeriods) {
        return new Window(samples, duration, stats, policy, minPeriods, metrics);
    }

    /**
     * @param names the metrics it applies to
     * @return a copy restricted to those metrics
     */
    public Window forMetrics(String... names) {
        return new Window(samples, duration, stats, nan, minPeriods, List.of(names));
    }

    /** @return the window's part of feature names: the step count ({@code 15}) or the duration ({@code 15m}) */
    public String label() {
        return duration.map(DurationText::format).orElse(Integer.toString(samples));
    }
}
