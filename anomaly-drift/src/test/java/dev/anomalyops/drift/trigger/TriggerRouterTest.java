package dev.anomalyops.drift.trigger;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TriggerRouterTest {
    static TriggerDecision decision(TriggerAction action, String model, String key) {
        return new TriggerDecision("ModelDataDrift", action, model, "1", "psi 0.4", Map.of(), Instant.EPOCH, key);
    }

    @Test
    void routesByActionDropsRepeatsInTheCooldownAndCountsEveryOutcome() {
        TriggerEvaluatorTest.StepClock clock = new TriggerEvaluatorTest.StepClock(Instant.parse("2026-11-29T10:00:00Z"));
        List<RetrainRequest> retrains = new ArrayList<>();
        List<TriggerDecision> rollbacks = new ArrayList<>();
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        TriggerRouter router = TriggerRouter.builder(Runnable::run)
                .retrain(new RetrainTrigger() {
                    @Override
                    public String name() {
                        return "test";
                    }

                    @Override
                    public RetrainResult trigger(RetrainRequest request) {
                        retrains.add(request);
                        if (request.model().equals("broken")) {
                            throw new IllegalStateException("boom");
                        }
                        return new RetrainResult(RetrainResult.Status.STARTED, "1", "ok");
                    }
                })
                .on(TriggerAction.ROLLBACK, rollbacks::add)
                .cooldown(Duration.ofHours(6)).clock(clock).meterRegistry(registry).build();

        router.accept(decision(TriggerAction.RETRAIN, "cpu", "a"));
        router.accept(decision(TriggerAction.RETRAIN, "cpu", "b")); // another path, same model and action
        router.accept(decision(TriggerAction.RETRAIN, "mem", "c"));
        router.accept(decision(TriggerAction.ROLLBACK, "cpu", "d"));
        router.accept(decision(TriggerAction.SCALE_UP, "cpu", "e"));
        clock.advance(Duration.ofHours(7));
        router.accept(decision(TriggerAction.RETRAIN, "cpu", "f"));
        router.accept(decision(TriggerAction.RETRAIN, "broken", "g"));
        router.accept(decision(TriggerAction.RETRAIN, "broken", "h")); // a failure does not start a cooldown

        assertThat(retrains).extracting(RetrainRequest::dedupeKey).containsExactly("a", "c", "f", "g", "h");
        assertThat(retrains.get(0).reason()).isEqualTo("ModelDataDrift: psi 0.4");
        assertThat(rollbacks).hasSize(1);
        assertThat(count(registry, "cpu", "retrain", "accepted")).isEqualTo(2);
        assertThat(count(registry, "cpu", "retrain", "duplicate")).isEqualTo(1);
        assertThat(count(registry, "cpu", "scale_up", "unrouted")).isEqualTo(1);
        assertThat(count(registry, "broken", "retrain", "failed")).isEqualTo(2);
    }

    static double count(SimpleMeterRegistry registry, String model, String action, String outcome) {
        return registry.get("retrain_triggers").tags("model", model, "action", action, "outcome", outcome).counter().count();
    }
}
