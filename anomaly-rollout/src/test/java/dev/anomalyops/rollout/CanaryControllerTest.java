package dev.anomalyops.rollout;

import static org.assertj.core.api.Assertions.assertThat;

import dev.anomalyops.core.registry.FileModelRegistry;
import dev.anomalyops.core.registry.ModelVersion;
import dev.anomalyops.core.testing.TestBundles;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Canary rollouts driven through a real file registry and a router, with simulated scorers and a fake clock:
 * a bad canary (failing requests, or wrong answers on labelled feedback) is rolled back within its stage and
 * the alias moves back; a good canary reaches 100%; a restart resumes in the stage it was in.
 */
class CanaryControllerTest {
    @TempDir
    Path temp;

    private FileModelRegistry registry;
    private MutableClock clock;
    private SimpleMeterRegistry meters;

    @BeforeEach
    void registerTwoVersions() {
        registry = FileModelRegistry.open(temp.resolve("registry"));
        registry.register("cpu", TestBundles.write(temp.resolve("b1"), "cpu", 1), Map.of());
        registry.register("cpu", TestBundles.write(temp.resolve("b2"), "cpu", 2), Map.of());
        registry.setAlias("cpu", "production", 1);
        clock = new MutableClock(Instant.parse("2026-11-29T10:00:00Z"));
        meters = new SimpleMeterRegistry();
    }

    private CanaryController startRollout() {
        registry.setAlias("cpu", "production", 2); // the rollout begins by moving the alias
        return CanaryController.start("cpu", "production", 1, 2, CanaryPolicy.defaults(),
                new CanaryStore(temp.resolve("canary.json")), RolloutActions.registry(registry), clock, meters);
    }

    /** Simulated traffic for one minute: 100 requests through the router, optional labelled feedback. */
    private void traffic(CanaryController canary, TrafficRouter router, SplittableRandom random, double canaryFailure,
            double canaryAccuracy, int requestsPerMinute) {
        router.update(canary.split("cpu-rollout"));
        for (int i = 0; i < requestsPerMinute; i++) {
            TrafficRouter.Route route = router.route("user-" + random.nextInt(50_000));
            boolean isCanary = route.variant().equals(CanaryController.CANARY);
            CanaryController.Arm arm = isCanary ? CanaryController.Arm.CANARY : CanaryController.Arm.BASELINE;
            boolean error = isCanary && random.nextDouble() < canaryFailure;
            canary.recordRequest(arm, Duration.ofMillis(5 + random.nextInt(20)), error);
            if (!error) {
                canary.recordFeedback(arm, random.nextDouble() < (isCanary ? canaryAccuracy : 0.95));
            }
        }
        clock.advance(Duration.ofMinutes(1));
    }

    @Test
    void aCanaryThatFailsOneRequestInFiveIsRolledBackWithinItsFirstStage() {
        CanaryController canary = startRollout();
        TrafficRouter router = TrafficRouter.of(canary.split("cpu-rollout"));
        SplittableRandom random = new SplittableRandom(1);
        CanaryController.Decision decision = CanaryController.Decision.HOLD;
        int minutes = 0;
        while (decision == CanaryController.Decision.HOLD && minutes < 60) {
            traffic(canary, router, random, 0.20, 0.95, 500);
            decision = canary.evaluate();
            minutes++;
        }
        assertThat(decision).isEqualTo(CanaryController.Decision.ROLLED_BACK);
        CanaryStatus status = canary.status();
        assertThat(status.stage()).as("still in the 10% stage").isZero();
        assertThat(status.reason()).startsWith("error rate").contains("exceeds 5.0%");
        assertThat(canary.canaryPercent()).isZero();
        assertThat(registry.resolve("cpu", "production")).map(ModelVersion::version).hasValue(1);
        assertThat(meters.get("canary_rollbacks_total").counter().count()).isEqualTo(1.0);
        assertThat(canary.evaluate()).isEqualTo(CanaryController.Decision.FINISHED);
    }

    @Test
    void aCanaryThatAnswersWronglyOnFeedbackIsRolledBack() {
        CanaryController canary = startRollout();
        TrafficRouter router = TrafficRouter.of(canary.split("cpu-rollout"));
        SplittableRandom random = new SplittableRandom(2);
        CanaryController.Decision decision = CanaryController.Decision.HOLD;
        for (int minute = 0; minute < 60 && decision == CanaryController.Decision.HOLD; minute++) {
            traffic(canary, router, random, 0.0, 0.60, 500);
            decision = canary.evaluate();
        }
        assertThat(decision).isEqualTo(CanaryController.Decision.ROLLED_BACK);
        assertThat(canary.status().stage()).isZero();
        assertThat(canary.status().reason()).startsWith("accuracy").contains("is below 0.85");
        assertThat(registry.resolve("cpu", "production")).map(ModelVersion::version).hasValue(1);
    }

    @Test
    void aHealthyCanaryWalksEveryStageToOneHundredPercent() {
        CanaryController canary = startRollout();
        TrafficRouter router = TrafficRouter.of(canary.split("cpu-rollout"));
        SplittableRandom random = new SplittableRandom(3);
        StringBuilder stages = new StringBuilder().append(canary.canaryPercent());
        CanaryController.Decision decision = CanaryController.Decision.HOLD;
        for (int minute = 0; minute < 120 && decision != CanaryController.Decision.PROMOTED; minute++) {
            traffic(canary, router, random, 0.005, 0.95, 600);
            decision = canary.evaluate();
            assertThat(decision).isNotEqualTo(CanaryController.Decision.ROLLED_BACK);
            if (decision == CanaryController.Decision.ADVANCED) {
                stages.append(" -> ").append(canary.canaryPercent());
            }
        }
        assertThat(decision).isEqualTo(CanaryController.Decision.PROMOTED);
        assertThat(stages.toString()).isEqualTo("10 -> 30 -> 50 -> 100");
        assertThat(canary.canaryPercent()).isEqualTo(100);
        assertThat(registry.resolve("cpu", "production")).map(ModelVersion::version).hasValue(2);
        assertThat(meters.get("canary_stage_percent").gauge().value()).isEqualTo(100.0);
    }

    @Test
    void aRestartResumesTheRolloutInItsStage() {
        CanaryController canary = startRollout();
        TrafficRouter router = TrafficRouter.of(canary.split("cpu-rollout"));
        SplittableRandom random = new SplittableRandom(4);
        while (canary.canaryPercent() < 30) {
            traffic(canary, router, random, 0.0, 0.95, 600);
            canary.evaluate();
        }
        traffic(canary, router, random, 0.0, 0.95, 600);
        canary.evaluate();
        CanaryStatus before = canary.status();
        assertThat(before.canaryPercent()).isEqualTo(30);

        CanaryController resumed = CanaryController.resume(CanaryPolicy.defaults(),
                new CanaryStore(temp.resolve("canary.json")), RolloutActions.registry(registry), clock, null).orElseThrow();
        CanaryStatus after = resumed.status();
        assertThat(after.canaryPercent()).isEqualTo(30);
        assertThat(after.stageStartedAt()).isEqualTo(before.stageStartedAt());
        assertThat(after.canary().requests()).isEqualTo(before.canary().requests());
        assertThat(after.canary().p95Millis()).isEqualTo(before.canary().p95Millis());
        assertThat(CanaryController.resume(CanaryPolicy.defaults(), new CanaryStore(temp.resolve("none.json")),
                RolloutActions.registry(registry), clock, null)).isEmpty();
    }

    @Test
    void aSlowCanaryIsRolledBackOnLatency() {
        CanaryController canary = startRollout();
        for (int i = 0; i < 200; i++) {
            canary.recordRequest(CanaryController.Arm.BASELINE, Duration.ofMillis(20), false);
            canary.recordRequest(CanaryController.Arm.CANARY, Duration.ofMillis(i < 180 ? 60 : 20), false);
        }
        assertThat(canary.evaluate()).isEqualTo(CanaryController.Decision.ROLLED_BACK);
        assertThat(canary.status().reason()).contains("exceeds 2.0x the baseline's");
    }

    @Test
    void anAbortRollsBackLikeAFailedGateAndOnlyOnce() {
        CanaryController canary = startRollout();
        assertThat(canary.abort("error spike alert")).isEqualTo(CanaryController.Decision.ROLLED_BACK);
        assertThat(canary.status().phase()).isEqualTo(CanaryStatus.Phase.ROLLED_BACK);
        assertThat(canary.status().reason()).isEqualTo("aborted: error spike alert");
        assertThat(registry.resolve("cpu", "production")).map(ModelVersion::version).hasValue(1);
        assertThat(canary.abort("again")).isEqualTo(CanaryController.Decision.FINISHED);
        assertThat(meters.get("canary_rollbacks_total").counter().count()).isEqualTo(1.0);
    }
}
