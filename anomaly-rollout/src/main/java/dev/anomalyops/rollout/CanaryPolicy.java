package dev.anomalyops.rollout;

import dev.anomalyops.core.ConfigurationException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * How a canary advances and when it is aborted. Defaults follow our reference pipeline: stages 10% → 30% → 50%
 * → 100%, at least 5 minutes and 1,000 canary requests per stage, abort when the canary's error rate exceeds 5%,
 * its p95 latency exceeds 1,000 ms or twice the baseline's, or its accuracy on labelled feedback falls below 0.85.
 *
 * @param stages canary traffic percentages, strictly increasing, ending at 100
 * @param minDwell least time spent in each stage
 * @param minRequests least canary requests seen in each stage before it may advance
 * @param minGateRequests canary requests needed before the error and latency gates judge (fewer is noise)
 * @param maxErrorRate the canary's error rate above which it is aborted
 * @param maxP95 the canary's p95 latency above which it is aborted
 * @param maxP95Ratio the canary's p95 relative to the baseline's above which it is aborted
 * @param minAccuracy the canary's accuracy on feedback below which it is aborted
 * @param minFeedback labelled canary predictions needed before the accuracy gate judges
 */
public record CanaryPolicy(List<Integer> stages, Duration minDwell, long minRequests, long minGateRequests,
        double maxErrorRate, Duration maxP95, double maxP95Ratio, double minAccuracy, long minFeedback) {

    /** Validates every field and reports all problems at once. */
    public CanaryPolicy {
        Objects.requireNonNull(minDwell, "minDwell");
        Objects.requireNonNull(maxP95, "maxP95");
        stages = List.copyOf(stages);
        List<String> problems = new ArrayList<>();
        if (stages.isEmpty() || stages.get(stages.size() - 1) != 100) {
            problems.add("stages were " + stages + " but they must end at 100");
        }
        for (int i = 0; i < stages.size(); i++) {
            int stage = stages.get(i);
            if (stage <= 0 || stage > 100 || (i > 0 && stage <= stages.get(i - 1))) {
                problems.add("stages were " + stages + " but they must increase strictly within 1..100");
                break;
            }
        }
        if (minDwell.isNegative()) {
            problems.add("minDwell was " + minDwell + " but it must not be negative");
        }
        if (minRequests < 0 || minGateRequests < 1 || minFeedback < 1) {
            problems.add("minRequests, minGateRequests and minFeedback must be positive (minRequests may be 0)");
        }
        if (!(maxErrorRate >= 0 && maxErrorRate <= 1)) {
            problems.add("maxErrorRate was " + maxErrorRate + " but it must be in [0, 1]");
        }
        if (!(maxP95Ratio > 1)) {
            problems.add("maxP95Ratio was " + maxP95Ratio + " but it must be > 1");
        }
        if (!(minAccuracy >= 0 && minAccuracy <= 1)) {
            problems.add("minAccuracy was " + minAccuracy + " but it must be in [0, 1]");
        }
        if (!problems.isEmpty()) {
            throw new ConfigurationException(problems);
        }
    }

    /** @return the reference pipeline's policy */
    public static CanaryPolicy defaults() {
        return new CanaryPolicy(List.of(10, 30, 50, 100), Duration.ofMinutes(5), 1000, 100, 0.05,
                Duration.ofMillis(1000), 2.0, 0.85, 50);
    }
}
