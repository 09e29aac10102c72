package dev.anomalyops.drift.trigger;

import dev.anomalyops.core.ConfigurationException;
import dev.anomalyops.core.model.ModelManifest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Evaluates trigger rules and retrain schedules for one model version in process, for deployments without
 * Prometheus and Alertmanager (or beside them: the {@link TriggerRouter}'s cooldown absorbs duplicates). Each rule
 * is pending, firing or inactive as in Prometheus; a rule sends its actions to the sink once when it starts firing
 * and again only after it has resolved. A schedule fires once per occurrence; occurrences missed while the
 * evaluator was stopped fire once, not once each.
 *
 * <pre>{@code
 * TriggerEvaluator evaluator = TriggerEvaluator.builder("cpu", "7", router)
 *         .rules(TriggerRules.defaults(driftMonitor, feedback, serving))
 *         .schedule(TriggerRules.WEEKLY_RETRAIN)
 *         .build();
 * evaluator.start(scheduler, Duration.ofMinutes(1));
 * }</pre>
 */
public final class TriggerEvaluator implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(TriggerEvaluator.class);

    private final String model;
    private final String version;
    private final TriggerSink sink;
    private final Clock clock;
    private final List<State> rules;
    private final List<ScheduleState> schedules;
    private @Nullable ScheduledFuture<?> task;

    private static final class State {
        final TriggerRule rule;
        @Nullable Instant activeSince;
        boolean firing;

        State(TriggerRule rule) {
            this.rule = rule;
        }
    }

    private static final class ScheduleState {
        final RetrainSchedule schedule;
        Instant next;

        ScheduleState(RetrainSchedule schedule, Instant next) {
            this.schedule = schedule;
            this.next = next;
        }
    }

    private TriggerEvaluator(Builder builder) {
        this.model = builder.model;
        this.version = builder.version;
        this.sink = builder.sink;
        this.clock = builder.clock;
        this.rules = new ArrayList<>();
        for (TriggerRule rule : builder.rules) {
            rules.add(new State(rule));
        }
        Instant now = clock.instant();
        this.schedules = new ArrayList<>();
        for (RetrainSchedule schedule : builder.schedules) {
            schedules.add(new ScheduleState(schedule, schedule.next(now)));
        }
    }

    /**
     * @param model the model name
     * @param version the model version
     * @param sink where decisions go
     * @return a builder
     */
    public static Builder builder(String model, String version, TriggerSink sink) {
        return new Builder(model, version, sink);
    }

    /**
     * Evaluates every rule and schedule once, now.
     *
     * @return the decisions sent to the sink
     */
    public synchronized List<TriggerDecision> evaluate() {
        Instant now = clock.instant();
        List<TriggerDecision> sent = new ArrayList<>();
        for (State state : rules) {
            double value;
            try {
                value = state.rule.signal().getAsDouble();
            } catch (RuntimeException e) {
                LOG.warn("Trigger rule {} could not read its signal for model {} version {}: {}", state.rule.name(), model,
                        version, e.toString());
                value = Double.NaN;
            }
            if (!state.rule.holds(value)) {
                if (state.firing) {
                    LOG.info("Trigger rule {} resolved for model {} version {} (value {})", state.rule.name(), model, version,
                            value);
                }
                state.activeSince = null;
                state.firing = false;
                continue;
            }
            if (state.activeSince == null) {
                state.activeSince = now;
            }
            if (!state.firing && Duration.between(state.activeSince, now).compareTo(state.rule.holdFor()) >= 0) {
                state.firing = true;
                String direction = state.rule.comparison() == TriggerRule.Comparison.ABOVE ? "above" : "below";
                String reason = state.rule.name() + ": value " + value + " " + direction + " " + state.rule.threshold()
                        + " for " + state.rule.holdFor();
                for (TriggerAction action : state.rule.actions()) {
                    sent.add(send(new TriggerDecision(state.rule.name(), action, model, version, reason,
                            Map.of("severity", state.rule.severity(), "source", "in-process"), state.activeSince,
                            "rule|" + state.rule.name() + "|" + model + "|" + version + "|" + state.activeSince + "|"
                                    + action.label())));
                }
            }
        }
        for (ScheduleState schedule : schedules) {
            if (!now.isBefore(schedule.next)) {
                Instant due = schedule.next;
                schedule.next = schedule.schedule.next(now);
                sent.add(send(new TriggerDecision(TriggerRules.SCHEDULED_RETRAIN, TriggerAction.RETRAIN, model, version,
                        "scheduled retrain (" + schedule.schedule.day() + " " + schedule.schedule.time() + " "
                                + schedule.schedule.zone() + ")",
                        Map.of("severity", "info", "source", "in-process"), due,
                        "schedule|" + model + "|" + due + "|retrain")));
            }
        }
        return sent;
    }

    private TriggerDecision send(TriggerDecision decision) {
        LOG.info("Trigger {} fired for model {} version {}: {}", decision.rule(), model, version, decision.action().label());
        sink.accept(decision);
        return decision;
    }

    /**
     * Evaluates every {@code interval} on the given scheduler until {@link #close()}.
     *
     * @param scheduler the scheduler (owned by the caller)
     * @param interval the evaluation interval (Prometheus' {@code evaluation_interval})
     */
    public synchronized void start(ScheduledExecutorService scheduler, Duration interval) {
        if (task != null) {
            throw new IllegalStateException("The evaluator for model " + model + " is already running");
        }
        task = scheduler.scheduleAtFixedRate(() -> {
            try {
                evaluate();
            } catch (RuntimeException e) {
                LOG.error("Trigger evaluation failed for model {} version {}", model, version, e);
            }
        }, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Stops periodic evaluation. */
    @Override
    public synchronized void close() {
        if (task != null) {
            task.cancel(false);
            task = null;
        }
    }

    /** Builds a {@link TriggerEvaluator}. */
    public static final class Builder {
        private final String model;
        private final String version;
        private final TriggerSink sink;
        private final List<TriggerRule> rules = new ArrayList<>();
        private final List<RetrainSchedule> schedules = new ArrayList<>();
        private Clock clock = Clock.systemUTC();

        private Builder(String model, String version, TriggerSink sink) {
            this.model = Objects.requireNonNull(model, "model");
            this.version = Objects.requireNonNull(version, "version");
            this.sink = Objects.requireNonNull(sink, "sink");
        }

        /**
         * @param rules rules to evaluate
         * @return this builder
         */
        public Builder rules(List<TriggerRule> rules) {
            this.rules.addAll(rules);
            return this;
        }

        /**
         * @param rule a rule to evaluate
         * @return this builder
         */
        public Builder rule(TriggerRule rule) {
            this.rules.add(Objects.requireNonNull(rule, "rule"));
            return this;
        }

        /**
         * @param schedule a weekly retrain
         * @return this builder
         */
        public Builder schedule(RetrainSchedule schedule) {
            this.schedules.add(Objects.requireNonNull(schedule, "schedule"));
            return this;
        }

        /**
         * @param clock the time source
         * @return this builder
         */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /**
         * @return the evaluator
         * @throws ConfigurationException listing every problem
         */
        public TriggerEvaluator build() {
            List<String> problems = new ArrayList<>();
            try {
                ModelManifest.requireName(model);
            } catch (IllegalArgumentException e) {
                problems.add(e.getMessage());
            }
            if (rules.isEmpty() && schedules.isEmpty()) {
                problems.add("an evaluator needs at least one rule or schedule");
            }
            if (rules.stream().map(TriggerRule::name).distinct().count() != rules.size()) {
                problems.add("rule names must be unique but were " + rules.stream().map(TriggerRule::name).toList());
            }
            if (!problems.isEmpty()) {
                throw new ConfigurationException(problems);
            }
            return new TriggerEvaluator(this);
        }
    }
}
