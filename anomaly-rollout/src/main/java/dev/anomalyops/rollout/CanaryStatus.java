package dev.anomalyops.rollout;

import java.time.Instant;
import java.util.Objects;

/**
 * Where a canary rollout stands.
 *
 * @param model the model being rolled out
 * @param alias the registry alias that moved to the canary version when the rollout started
 * @param baselineVersion the version serving before the rollout
 * @param canaryVersion the version being rolled out
 * @param phase running, rolled back or promoted
 * @param stage index into the policy's stages
 * @param canaryPercent the canary's share of traffic now (0 after a rollback)
 * @param stageStartedAt when the current stage began
 * @param reason why the rollout ended, or an empty string while it runs
 * @param baseline the baseline's figures in the current stage
 * @param canary the canary's figures in the current stage
 */
public record CanaryStatus(String model, String alias, int baselineVersion, int canaryVersion, Phase phase, int stage,
        int canaryPercent, Instant stageStartedAt, String reason, ArmFigures baseline, ArmFigures canary) {

    /** Checks nulls. */
    public CanaryStatus {
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(alias, "alias");
        Objects.requireNonNull(phase, "phase");
        Objects.requireNonNull(stageStartedAt, "stageStartedAt");
        Objects.requireNonNull(reason, "reason");
    }

    /** The life cycle of a rollout. */
    public enum Phase {
        /** Traffic is being shifted stage by stage. */
        RUNNING,
        /** A gate failed: the alias moved back to the baseline and the canary gets no traffic. */
        ROLLED_BACK,
        /** Every stage passed: the canary serves all traffic. */
        PROMOTED
    }

    /**
     * One arm's figures in the current stage.
     *
     * @param requests requests answered
     * @param errors requests that failed
     * @param p95Millis 95th percentile latency in milliseconds (NaN without requests)
     * @param feedback labelled predictions received
     * @param accuracy share of them that were correct (NaN without feedback)
     */
    public record ArmFigures(long requests, long errors, double p95Millis, long feedback, double accuracy) {
        /** @return errors / requests, or 0 without requests */
        public double errorRate() {
            return requests == 0 ? 0.0 : (double) errors / requests;
        }
    }
}
