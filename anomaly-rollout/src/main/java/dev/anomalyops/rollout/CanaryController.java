package dev.anomalyops.rollout;

import dev.anomalyops.core.registry.ModelRegistry;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * Rolls a new model version out in traffic stages and rolls it back on its own when it misbehaves.
 *
 * <p>The caller routes traffic with {@link #split(String)} (the canary's share of the current stage), reports
 * every request's outcome with {@link #recordRequest} and every labelled prediction with
 * {@link #recordFeedback}, and calls {@link #evaluate()} regularly (say every few seconds, or after each
 * request). Each evaluation checks the gates of {@link CanaryPolicy} on the current stage's figures: a failed gate
 * rolls back at once (the registry alias moves back, via {@link RolloutActions}); a stage that lasted long enough
 * with enough requests advances; after the 100% stage the rollout is promoted. State is saved to a
 * {@link CanaryStore} after every evaluation, and {@link #resume} continues a rollout after a restart in the stage
 * it was in. Time comes from the injected clock. Thread-safe.
 *
 * <pre>{@code
 * registry.setAlias("cpu", "production", 7);                       // version 6 was serving
 * CanaryController canary = CanaryController.start("cpu", "production", 6, 7, CanaryPolicy.defaults(),
 *         new CanaryStore(stateFile), RolloutActions.registry(registry), Clock.systemUTC(), meters);
 * router.update(canary.split("cpu-canary"));                       // "canary" vs "baseline"
 * }</pre>
 */
public final class CanaryController {
    /** The variant name {@link #split(String)} gives the new version. */
    public static final String CANARY = "canary";
    /** The variant name {@link #split(String)} gives the version serving before the rollout. */
    public static final String BASELINE = "baseline";

    /** Which side of the rollout a request or feedback belongs to. */
    public enum Arm {
        /** The version serving before the rollout. */
        BASELINE,
        /** The version being rolled out. */
        CANARY
    }

    /** What an evaluation decided. */
    public enum Decision {
        /** Stay in the current stage. */
        HOLD,
        /** Move to the next stage. */
        ADVANCED,
        /** A gate failed; rolled back. */
        ROLLED_BACK,
        /** The last stage passed; the canary takes all traffic. */
        PROMOTED,
        /** The rollout had already ended. */
        FINISHED
    }

    private final CanaryPolicy policy;
    private final CanaryStore store;
    private final RolloutActions actions;
    private final Clock clock;
    private final CanaryStore.State state;
    private final Counter rollbacks;

    private CanaryController(CanaryPolicy policy, CanaryStore store, RolloutActions actions, Clock clock,
            CanaryStore.State state, MeterRegistry meters) {
        this.policy = Objects.requireNonNull(policy, "policy");
        this.store = Objects.requireNonNull(store, "store");
        this.actions = Objects.requireNonNull(actions, "actions");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.state = state;
        MeterRegistry registry = meters != null ? meters : new SimpleMeterRegistry();
        Gauge.builder("canary_stage_percent", this, c -> c.canaryPercent())
                .description("Share of traffic (percent) the canary version receives")
                .tag("model", state.model)
                .register(registry);
        Gauge.builder("canary_running", this, c -> c.status().phase() == CanaryStatus.Phase.RUNNING ? 1 : 0)
                .description("1 while a canary rollout is in progress")
                .tag("model", state.model)
                .register(registry);
        this.rollbacks = Counter.builder("canary_rollbacks_total")
                .description("Canary rollouts aborted by a failed gate")
                .tag("model", state.model)
                .register(registry);
    }

    /**
     * Starts a rollout. The caller has already pointed {@code alias} at {@code canaryVersion} (so a rollback
     * is {@link ModelRegistry#rollback}).
     *
     * @param model model name
     * @param alias the alias that moved to the canary version
     * @param baselineVersion the version serving before
     * @param canaryVersion the version rolled out
     * @param policy stages and gates
     * @param store where the state is saved
     * @param actions what rollback and promotion do
     * @param clock time source
     * @param meters where metrics go (may be null)
     * @return the running controller, in its first stage
     */
    public static CanaryController start(String model, String alias, int baselineVersion, int canaryVersion,
            CanaryPolicy policy, CanaryStore store, RolloutActions actions, Clock clock, MeterRegistry meters) {
        CanaryStore.State state = new CanaryStore.State(model, alias, baselineVersion, canaryVersion);
        state.stageStartedAt = clock.instant();
        CanaryController controller = new CanaryController(policy, store, actions, clock, state, meters);
        store.save(state);
        return controller;
    }

    /**
     * Continues a rollout after a restart, in the stage it was in, with its counters.
     *
     * @param policy stages and gates
     * @param store where the state was saved
     * @param actions what rollback and promotion do
     * @param clock time source
     * @param meters where metrics go (may be null)
     * @return the controller, or empty when no rollout was saved
     */
    public static Optional<CanaryController> resume(CanaryPolicy policy, CanaryStore store, RolloutActions actions,
            Clock clock, MeterRegistry meters) {
        return store.load().map(state -> {
            if (state.stage >= policy.stages().size()) {
                state.stage = policy.stages().size() - 1;
            }
            return new CanaryController(policy, store, actions, clock, state, meters);
        });
    }

    /**
     * @param arm which version answered
     * @param latency how long it took
     * @param error whether it failed
     */
    public synchronized void recordRequest(Arm arm, Duration latency, boolean error) {
        CanaryStore.Arm counters = arm == Arm.CANARY ? state.canary : state.baseline;
        counters.requests++;
        counters.errors += error ? 1 : 0;
        counters.latency.record(Math.max(0, latency.toNanos()));
    }

    /**
     * @param arm which version made the prediction
     * @param correct whether the prediction matched the label that arrived later
     */
    public synchronized void recordFeedback(Arm arm, boolean correct) {
        CanaryStore.Arm counters = arm == Arm.CANARY ? state.canary : state.baseline;
        counters.feedback++;
        counters.correct += correct ? 1 : 0;
    }

    /**
     * Checks the gates and the stage's progress, acts on the outcome and saves the state.
     *
     * @return what was decided
     */
    public synchronized Decision evaluate() {
        if (state.phase != CanaryStatus.Phase.RUNNING) {
            return Decision.FINISHED;
        }
        String failure = failedGate();
        if (failure != null) {
            state.phase = CanaryStatus.Phase.ROLLED_BACK;
            state.reason = failure;
            store.save(state);
            rollbacks.increment();
            actions.rollBack(status());
            return Decision.ROLLED_BACK;
        }
        Duration dwell = Duration.between(state.stageStartedAt, clock.instant());
        boolean stageDone = dwell.compareTo(policy.minDwell()) >= 0 && state.canary.requests >= policy.minRequests();
        if (!stageDone) {
            store.save(state);
            return Decision.HOLD;
        }
        if (state.stage == policy.stages().size() - 1) {
            state.phase = CanaryStatus.Phase.PROMOTED;
            state.reason = "passed every stage " + policy.stages();
            store.save(state);
            actions.promoted(status());
            return Decision.PROMOTED;
        }
        state.stage++;
        state.stageStartedAt = clock.instant();
        state.baseline = new CanaryStore.Arm(new LatencyHistogram());
        state.canary = new CanaryStore.Arm(new LatencyHistogram());
        store.save(state);
        return Decision.ADVANCED;
    }

    /**
     * Aborts a running rollout by hand (an operator, or an alert such as the error-spike rule): rolls back exactly
     * as a failed gate does, with the given reason.
     *
     * @param reason why, logged, saved and shown in the status
     * @return {@link Decision#ROLLED_BACK}, or {@link Decision#FINISHED} when the rollout had already ended
     */
    public synchronized Decision abort(String reason) {
        if (state.phase != CanaryStatus.Phase.RUNNING) {
            return Decision.FINISHED;
        }
        state.phase = CanaryStatus.Phase.ROLLED_BACK;
        state.reason = "aborted: " + Objects.requireNonNull(reason, "reason");
        store.save(state);
        rollbacks.increment();
        actions.rollBack(status());
        return Decision.ROLLED_BACK;
    }

    private String failedGate() {
        CanaryStatus.ArmFigures canary = state.canary.figures();
        CanaryStatus.ArmFigures baseline = state.baseline.figures();
        if (canary.requests() >= policy.minGateRequests()) {
            if (canary.errorRate() > policy.maxErrorRate()) {
                return String.format(Locale.ROOT, "error rate %.1f%% exceeds %.1f%% (%d of %d canary requests failed)",
                        100 * canary.errorRate(), 100 * policy.maxErrorRate(), canary.errors(), canary.requests());
            }
            double maxMillis = policy.maxP95().toNanos() / 1e6;
            if (canary.p95Millis() > maxMillis) {
                return String.format(Locale.ROOT, "p95 latency %.0f ms exceeds %.0f ms", canary.p95Millis(), maxMillis);
            }
            if (baseline.requests() >= policy.minGateRequests()
                    && canary.p95Millis() > policy.maxP95Ratio() * baseline.p95Millis()) {
                return String.format(Locale.ROOT, "p95 latency %.1f ms exceeds %.1fx the baseline's %.1f ms",
                        canary.p95Millis(), policy.maxP95Ratio(), baseline.p95Millis());
            }
        }
        if (canary.feedback() >= policy.minFeedback() && canary.accuracy() < policy.minAccuracy()) {
            return String.format(Locale.ROOT, "accuracy %.3f on %d labelled predictions is below %.2f",
                    canary.accuracy(), canary.feedback(), policy.minAccuracy());
        }
        return null;
    }

    /** @return the canary's current share of traffic in percent (0 once rolled back, 100 once promoted) */
    public synchronized int canaryPercent() {
        switch (state.phase) {
            case ROLLED_BACK:
                return 0;
            case PROMOTED:
                return 100;
            default:
                return policy.stages().get(state.stage);
        }
    }

    /**
     * @param salt the experiment salt for sticky assignment
     * @return the traffic split for {@link TrafficRouter}: {@value #CANARY} first, then {@value #BASELINE}, so
     *     each stage moves only the users it must
     */
    public TrafficSplit split(String salt) {
        return TrafficSplit.of(CANARY, canaryPercent(), BASELINE, salt);
    }

    /** @return the rollout's status */
    public synchronized CanaryStatus status() {
        return new CanaryStatus(state.model, state.alias, state.baselineVersion, state.canaryVersion, state.phase,
                state.stage, canaryPercent(), state.stageStartedAt, state.reason, state.baseline.figures(),
                state.canary.figures());
    }
}
