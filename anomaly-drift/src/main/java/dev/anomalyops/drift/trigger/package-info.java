/**
 * Triggers as code: {@link dev.anomalyops.drift.trigger.TriggerRule}s evaluated in process by a
 * {@link dev.anomalyops.drift.trigger.TriggerEvaluator} with the same thresholds and {@code for} durations as the
 * Prometheus alerting rules in {@code deploy/monitoring} ({@link dev.anomalyops.drift.trigger.TriggerRules}), a
 * weekly {@link dev.anomalyops.drift.trigger.RetrainSchedule}, and the
 * {@link dev.anomalyops.drift.trigger.RetrainTrigger} SPI that starts retraining: a
 * {@link dev.anomalyops.drift.trigger.LocalRetrainJob} or a GitHub Actions {@code workflow_dispatch}
 * ({@link dev.anomalyops.drift.trigger.GitHubActionsRetrainTrigger}). Decisions from rules, schedules and
 * Alertmanager all flow through a {@link dev.anomalyops.drift.trigger.TriggerSink}, usually a
 * {@link dev.anomalyops.drift.trigger.TriggerRouter}.
 */
@NullMarked
package dev.anomalyops.drift.trigger;

import org.jspecify.annotations.NullMarked;
