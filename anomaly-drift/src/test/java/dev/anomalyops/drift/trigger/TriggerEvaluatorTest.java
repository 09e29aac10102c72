package dev.anomalyops.drift.trigger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.anomalyops.core.ConfigurationException;
import dev.anomalyops.core.FeatureSchema;
import dev.anomalyops.core.scoring.FeatureBatch;
import dev.anomalyops.drift.DriftMonitor;
import dev.anomalyops.drift.FeedbackTracker;
import dev.anomalyops.drift.ProfileOptions;
import dev.anomalyops.drift.ReferenceProfile;
import dev.anomalyops.drift.metrics.ServingMetrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class TriggerEvaluatorTest {
    /** A clock moved by hand. */
    static final class StepClock extends Clock {
        final AtomicLong millis;

        StepClock(Instant start) {
            millis = new AtomicLong(start.toEpochMilli());
        }

        void advance(Duration d) {
            millis.addAndGet(d.toMillis());
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return Instant.ofEpochMilli(millis.get());
        }
    }

    final StepClock clock = new StepClock(Instant.parse("2026-11-25T10:00:00Z")); // a Wednesday
    final List<TriggerDecision> sent = new ArrayList<>();
    final double[] value = {Double.NaN};

    TriggerEvaluator evaluator(TriggerRule rule) {
        return TriggerEvaluator.builder("cpu", "7", sent::add).rule(rule).clock(clock).build();
    }

    @Test
    void aRuleFiresOnlyAfterHoldingAtEveryEvaluationForItsDuration() {
        TriggerEvaluator evaluator = evaluator(new TriggerRule("ModelDataDrift", () -> value[0],
                TriggerRule.Comparison.ABOVE, 0.3, Duration.ofHours(1), EnumSet.of(TriggerAction.RETRAIN), "ticket"));
        value[0] = 0.5;
        for (int minute = 0; minute < 60; minute++) {
            assertThat(evaluator.evaluate()).as("minute " + minute).isEmpty();
            clock.advance(Duration.ofMinutes(1));
        }
        List<TriggerDecision> fired = evaluator.evaluate();
        assertThat(fired).singleElement().satisfies(d -> {
            assertThat(d.action()).isEqualTo(TriggerAction.RETRAIN);
            assertThat(d.model()).isEqualTo("cpu");
            assertThat(d.firedAt()).isEqualTo(Instant.parse("2026-11-25T10:00:00Z"));
        });
        clock.advance(Duration.ofMinutes(1));
        assertThat(evaluator.evaluate()).as("still firing: no repeat").isEmpty();
        value[0] = 0.1;
        assertThat(evaluator.evaluate()).isEmpty();
        value[0] = 0.5;
        clock.advance(Duration.ofMinutes(30));
        assertThat(evaluator.evaluate()).as("pending again after resolving").isEmpty();
    }

    @Test
    void aGapOrMissingDataResetsThePendingTime() {
        TriggerEvaluator evaluator = evaluator(new TriggerRule("ModelAccuracyLow", () -> value[0],
                TriggerRule.Comparison.BELOW, 0.85, Duration.ofMinutes(30),
                EnumSet.of(TriggerAction.ROLLBACK, TriggerAction.RETRAIN), "page"));
        value[0] = 0.8;
        for (int i = 0; i < 29; i++) {
            evaluator.evaluate();
            clock.advance(Duration.ofMinutes(1));
        }
        value[0] = Double.NaN; // no feedback labels for a minute: Prometheus would see no series
        evaluator.evaluate();
        clock.advance(Duration.ofMinutes(1));
        value[0] = 0.8;
        for (int i = 0; i < 30; i++) {
            assertThat(evaluator.evaluate()).isEmpty();
            clock.advance(Duration.ofMinutes(1));
        }
        assertThat(evaluator.evaluate()).extracting(TriggerDecision::action)
                .containsExactlyInAnyOrder(TriggerAction.ROLLBACK, TriggerAction.RETRAIN);
    }

    @Test
    void theWeeklyScheduleFiresOnceAtSundayTwoUtcEvenAfterMissedWeeks() {
        TriggerEvaluator evaluator = TriggerEvaluator.builder("cpu", "7", sent::add).schedule(TriggerRules.WEEKLY_RETRAIN)
                .clock(clock).build();
        clock.advance(Duration.ofDays(3).plusHours(15).plusMinutes(59)); // Sunday 01:59
        assertThat(evaluator.evaluate()).isEmpty();
        clock.advance(Duration.ofMinutes(1));
        assertThat(evaluator.evaluate()).singleElement().satisfies(d -> {
            assertThat(d.rule()).isEqualTo(TriggerRules.SCHEDULED_RETRAIN);
            assertThat(d.firedAt()).isEqualTo(Instant.parse("2026-11-29T02:00:00Z"));
        });
        assertThat(evaluator.evaluate()).isEmpty();
        clock.advance(Duration.ofDays(21)); // stopped for three weeks
        assertThat(evaluator.evaluate()).hasSize(1);
        assertThat(evaluator.evaluate()).isEmpty();
    }

    @Test
    void theDefaultRulesWatchTheRealMonitors() {
        FeatureSchema schema = FeatureSchema.of("a", "b");
        SplittableRandom random = new SplittableRandom(5);
        float[] training = new float[20_000];
        for (int i = 0; i < training.length; i++) {
            training[i] = (float) random.nextDouble();
        }
        ReferenceProfile profile = ReferenceProfile.learn(FeatureBatch.wrap(schema, training, 10_000), null,
                ProfileOptions.defaults());
        DriftMonitor drift = DriftMonitor.builder(profile, "cpu", "7").window(Duration.ofMinutes(10)).panes(10)
                .minimumRows(100).clock(clock).refreshInterval(Duration.ZERO).build();
        FeedbackTracker feedback = FeedbackTracker.builder("cpu", "7").clock(clock).build();
        ServingMetrics serving = ServingMetrics.builder(new SimpleMeterRegistry(), "cpu", "7").clock(clock).build();
        TriggerEvaluator evaluator = TriggerEvaluator.builder("cpu", "7", sent::add)
                .rules(TriggerRules.defaults(drift, feedback, serving)).clock(clock).build();
        float[] shifted = new float[2000];
        for (int minute = 0; minute <= 60; minute++) {
            for (int i = 0; i < shifted.length; i++) {
                shifted[i] = (float) (random.nextDouble() + 0.5);
            }
            drift.record(FeatureBatch.wrap(schema, shifted, 1000), null);
            serving.recordSuccess(Duration.ofMillis(5), 1000, 0);
            evaluator.evaluate();
            clock.advance(Duration.ofMinutes(1));
        }
        assertThat(sent).extracting(TriggerDecision::rule).containsExactly(TriggerRules.DATA_DRIFT);
        assertThat(sent.get(0).action()).isEqualTo(TriggerAction.RETRAIN);
    }

    @Test
    void evaluatorsNeedAValidModelAndSomethingToEvaluate() {
        assertThatThrownBy(() -> TriggerEvaluator.builder("../etc", "1", sent::add).build())
                .isInstanceOfSatisfying(ConfigurationException.class, e -> assertThat(e.violations()).hasSize(2));
    }

    @Test
    void scheduleNextIsStrictlyAfter() {
        RetrainSchedule schedule = TriggerRules.WEEKLY_RETRAIN;
        assertThat(schedule.next(Instant.parse("2026-11-29T02:00:00Z"))).isEqualTo(Instant.parse("2026-12-06T02:00:00Z"));
        assertThat(schedule.next(Instant.parse("2026-11-29T01:59:59Z"))).isEqualTo(Instant.parse("2026-11-29T02:00:00Z"));
        assertThat(schedule.next(Instant.parse("2026-11-30T00:00:00Z"))).isEqualTo(Instant.parse("2026-12-06T02:00:00Z"));
    }
}
