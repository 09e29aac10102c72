package dev.anomalyops.drift.trigger;

import dev.anomalyops.drift.DriftMonitor;
import dev.anomalyops.drift.FeedbackTracker;
import dev.anomalyops.drift.metrics.ServingMetrics;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.util.EnumSet;
import java.util.List;

/**
 * The platform's triggers, as code. The same names, thresholds, durations and actions are in the Prometheus rules
 * ({@code deploy/monitoring/prometheus/rules/anomalyops-triggers.yml}); a test keeps the two in step.
 *
 * <table>
 * <caption>Default triggers</caption>
 * <tr><th>Rule</th><th>Condition</th><th>For</th><th>Actions</th></tr>
 * <tr><td>{@value #DATA_DRIFT}</td><td>largest feature PSI &gt; 0.3</td><td>1 h</td><td>retrain</td></tr>
 * <tr><td>{@value #ACCURACY_LOW}</td><td>accuracy from feedback &lt; 0.85</td><td>30 min</td><td>rollback, retrain</td></tr>
 * <tr><td>{@value #LATENCY_HIGH}</td><td>p95 latency &gt; 1 s</td><td>5 min</td><td>scale up</td></tr>
 * <tr><td>{@value #ERROR_SPIKE}</td><td>error share &gt; 5 %</td><td>10 min</td><td>page, pause canary</td></tr>
 * <tr><td>{@value #SCHEDULED_RETRAIN}</td><td>Sunday 02:00 UTC</td><td></td><td>retrain</td></tr>
 * </table>
 */
public final class TriggerRules {
    /** Data drift rule name. */
    public static final String DATA_DRIFT = "ModelDataDrift";
    /** Performance drift rule name. */
    public static final String ACCURACY_LOW = "ModelAccuracyLow";
    /** Latency SLA rule name. */
    public static final String LATENCY_HIGH = "ModelLatencyHigh";
    /** Error spike rule name. */
    public static final String ERROR_SPIKE = "ModelErrorSpike";
    /** Scheduled retrain name. */
    public static final String SCHEDULED_RETRAIN = "ScheduledRetrain";

    /** PSI above this is major drift. */
    public static final double DATA_DRIFT_PSI = 0.3;
    /** How long drift must last. */
    public static final Duration DATA_DRIFT_FOR = Duration.ofHours(1);
    /** Accuracy below this is a performance problem. */
    public static final double ACCURACY_MIN = 0.85;
    /** How long low accuracy must last. */
    public static final Duration ACCURACY_FOR = Duration.ofMinutes(30);
    /** The latency SLA on p95, in seconds. */
    public static final double LATENCY_P95_SECONDS = 1.0;
    /** How long the SLA breach must last. */
    public static final Duration LATENCY_FOR = Duration.ofMinutes(5);
    /** Error share above this is a spike. */
    public static final double ERROR_RATE_MAX = 0.05;
    /** How long the spike must last. */
    public static final Duration ERROR_FOR = Duration.ofMinutes(10);
    /** The weekly retrain: Sunday 02:00 UTC. */
    public static final RetrainSchedule WEEKLY_RETRAIN = RetrainSchedule.weekly(DayOfWeek.SUNDAY, LocalTime.of(2, 0),
            ZoneOffset.UTC);

    private TriggerRules() {}

    /**
     * @param drift the model's drift monitor
     * @return PSI above 0.3 on any feature for an hour: retrain
     */
    public static TriggerRule dataDrift(DriftMonitor drift) {
        return new TriggerRule(DATA_DRIFT, () -> drift.report().maxFeaturePsi(), TriggerRule.Comparison.ABOVE,
                DATA_DRIFT_PSI, DATA_DRIFT_FOR, EnumSet.of(TriggerAction.RETRAIN), "ticket");
    }

    /**
     * @param feedback the model's feedback tracker
     * @return accuracy below 0.85 for 30 minutes: roll back and retrain
     */
    public static TriggerRule accuracyLow(FeedbackTracker feedback) {
        return new TriggerRule(ACCURACY_LOW, feedback::accuracy, TriggerRule.Comparison.BELOW, ACCURACY_MIN, ACCURACY_FOR,
                EnumSet.of(TriggerAction.ROLLBACK, TriggerAction.RETRAIN), "page");
    }

    /**
     * @param serving the model's serving metrics
     * @return p95 latency above one second for 5 minutes: scale up
     */
    public static TriggerRule latencyHigh(ServingMetrics serving) {
        return new TriggerRule(LATENCY_HIGH, () -> serving.latencyQuantile(0.95), TriggerRule.Comparison.ABOVE,
                LATENCY_P95_SECONDS, LATENCY_FOR, EnumSet.of(TriggerAction.SCALE_UP), "ticket");
    }

    /**
     * @param serving the model's serving metrics
     * @return more than 5 % errors for 10 minutes: page and pause the canary
     */
    public static TriggerRule errorSpike(ServingMetrics serving) {
        return new TriggerRule(ERROR_SPIKE, serving::errorRate, TriggerRule.Comparison.ABOVE, ERROR_RATE_MAX, ERROR_FOR,
                EnumSet.of(TriggerAction.PAGE, TriggerAction.PAUSE_CANARY), "page");
    }

    /**
     * @param drift the model's drift monitor
     * @param feedback its feedback tracker
     * @param serving its serving metrics
     * @return the four condition rules
     */
    public static List<TriggerRule> defaults(DriftMonitor drift, FeedbackTracker feedback, ServingMetrics serving) {
        return List.of(dataDrift(drift), accuracyLow(feedback), latencyHigh(serving), errorSpike(serving));
    }
}
