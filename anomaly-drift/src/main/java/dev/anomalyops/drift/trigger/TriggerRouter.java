package dev.anomalyops.drift.trigger;

import dev.anomalyops.core.ConfigurationException;
import dev.anomalyops.drift.metrics.MetricsCatalogue;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link TriggerSink} that hands each decision to the handler for its action on an executor, so that callers
 * (webhook requests, the rule evaluator) return at once. Retrain decisions go to a {@link RetrainTrigger}. A
 * cooldown per model and action drops repeats that arrive through several paths (an Alertmanager re-send, the same
 * condition seen by an in-process rule); every decision is counted in {@code retrain_triggers_total} with its
 * outcome ({@code accepted}, {@code duplicate}, {@code unrouted}, {@code failed}) and logged, so none disappears
 * silently.
 */
public final class TriggerRouter implements TriggerSink {
    private static final Logger LOG = LoggerFactory.getLogger(TriggerRouter.class);

    private final Map<TriggerAction, Consumer<TriggerDecision>> handlers;
    private final Executor executor;
    private final Duration cooldown;
    private final Clock clock;
    private final @Nullable MeterRegistry registry;
    private final Map<String, Instant> lastAccepted = new HashMap<>();

    private TriggerRouter(Builder builder) {
        this.handlers = new EnumMap<>(builder.handlers);
        this.executor = builder.executor;
        this.cooldown = builder.cooldown;
        this.clock = builder.clock;
        this.registry = builder.registry;
    }

    /**
     * @param executor runs the handlers (e.g. a small fixed pool owned by the server)
     * @return a builder with a six-hour cooldown
     */
    public static Builder builder(Executor executor) {
        return new Builder(executor);
    }

    @Override
    public void accept(TriggerDecision decision) {
        Consumer<TriggerDecision> handler = handlers.get(decision.action());
        if (handler == null) {
            LOG.warn("No handler for trigger action {} ({} on model {}); configure one on the TriggerRouter",
                    decision.action().label(), decision.rule(), decision.model());
            count(decision, "unrouted");
            return;
        }
        String key = decision.model() + "|" + decision.action();
        Instant now = clock.instant();
        synchronized (lastAccepted) {
            Instant last = lastAccepted.get(key);
            if (last != null && Duration.between(last, now).compareTo(cooldown) < 0) {
                LOG.info("Dropping {} for model {} from {}: the same action was accepted at {} (cooldown {})",
                        decision.action().label(), decision.model(), decision.rule(), last, cooldown);
                count(decision, "duplicate");
                return;
            }
            lastAccepted.put(key, now);
        }
        try {
            executor.execute(() -> {
                try {
                    handler.accept(decision);
                    count(decision, "accepted");
                } catch (RuntimeException e) {
                    LOG.error("Trigger action {} for model {} ({}) failed", decision.action().label(), decision.model(),
                            decision.rule(), e);
                    synchronized (lastAccepted) {
                        lastAccepted.remove(key, now); // a failed attempt must not block the next one
                    }
                    count(decision, "failed");
                }
            });
        } catch (RuntimeException e) {
            synchronized (lastAccepted) {
                lastAccepted.remove(key, now);
            }
            throw e;
        }
    }

    private void count(TriggerDecision decision, String outcome) {
        if (registry != null) {
            MetricsCatalogue.counter(registry, MetricsCatalogue.RETRAIN_TRIGGERS,
                    Tags.of("model", decision.model(), "action", decision.action().label(), "outcome", outcome)).increment();
        }
    }

    /** Builds a {@link TriggerRouter}. */
    public static final class Builder {
        private final Executor executor;
        private final Map<TriggerAction, Consumer<TriggerDecision>> handlers = new EnumMap<>(TriggerAction.class);
        private Duration cooldown = Duration.ofHours(6);
        private Clock clock = Clock.systemUTC();
        private @Nullable MeterRegistry registry;

        private Builder(Executor executor) {
            this.executor = Objects.requireNonNull(executor, "executor");
        }

        /**
         * @param trigger starts retraining for {@link TriggerAction#RETRAIN} decisions
         * @return this builder
         */
        public Builder retrain(RetrainTrigger trigger) {
            Objects.requireNonNull(trigger, "trigger");
            return on(TriggerAction.RETRAIN, decision -> {
                RetrainResult result = trigger.trigger(RetrainRequest.from(decision));
                LOG.info("Retrain of model {} via {}: {} ({}) {}", decision.model(), trigger.name(), result.status(),
                        result.id(), result.detail());
            });
        }

        /**
         * @param action an action
         * @param handler what to do for it (rollback through the registry, scale-up, paging, pausing the canary)
         * @return this builder
         */
        public Builder on(TriggerAction action, Consumer<TriggerDecision> handler) {
            handlers.put(Objects.requireNonNull(action, "action"), Objects.requireNonNull(handler, "handler"));
            return this;
        }

        /**
         * @param cooldown after an accepted action for a model, the same action for that model is dropped for this
         *     long
         * @return this builder
         */
        public Builder cooldown(Duration cooldown) {
            this.cooldown = Objects.requireNonNull(cooldown, "cooldown");
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
         * @param registry where {@code retrain_triggers_total} is counted
         * @return this builder
         */
        public Builder meterRegistry(MeterRegistry registry) {
            this.registry = Objects.requireNonNull(registry, "registry");
            return this;
        }

        /**
         * @return the router
         * @throws ConfigurationException when no handler is configured or the cooldown is negative
         */
        public TriggerRouter build() {
            List<String> problems = new ArrayList<>();
            if (handlers.isEmpty()) {
                problems.add("a trigger router needs at least one handler (retrain(...) or on(...))");
            }
            if (cooldown.isNegative()) {
                problems.add("cooldown must not be negative but was " + cooldown);
            }
            if (!problems.isEmpty()) {
                throw new ConfigurationException(problems);
            }
            return new TriggerRouter(this);
        }
    }
}
