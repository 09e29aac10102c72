package dev.anomalyops.rag;

import dev.anomalyops.core.ConfigurationException;
import dev.anomalyops.core.RetriableException;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * A circuit breaker for the explanation path's remote dependencies (the language model, the incident store): after
 * {@code failureThreshold} consecutive failures it opens and calls fail at once with a {@link RetriableException}
 * naming the breaker (so {@link ExplanationService} answers with the template explainer and says why, without waiting
 * for a dead or slow endpoint's time-out); after {@code openFor} one trial call is let through (half-open): success
 * closes it, failure opens it again. Time comes from an injected {@link Clock}.
 *
 * <p>Metrics, tagged {@code breaker}: the gauge {@code anomalyops_circuit_state} (0 closed, 1 open, 2 half-open), the
 * counters {@code anomalyops_circuit_transitions_total{to}} and {@code anomalyops_circuit_rejected_total}.
 *
 * <pre>{@code
 * CircuitBreaker llm = CircuitBreaker.builder("llm").meterRegistry(registry).build();
 * ExplanationService.builder(llm.retriever(retriever)).explainer(llm.explainer(new LlmExplainer(client)))...
 * }</pre>
 *
 * <p>Thread-safe.
 */
public final class CircuitBreaker {
    /** The breaker's state. */
    public enum State {
        /** Calls go through; failures are counted. */
        CLOSED,
        /** Calls fail at once until the open period ends. */
        OPEN,
        /** One trial call is in progress; others fail at once. */
        HALF_OPEN
    }

    private final String name;
    private final int failureThreshold;
    private final Duration openFor;
    private final Clock clock;
    private final Counter rejected;
    private final MeterRegistry registry;
    private State state = State.CLOSED;
    private int failures;
    private Instant openedAt = Instant.EPOCH;

    private CircuitBreaker(Builder b) {
        this.name = b.name;
        this.failureThreshold = b.failureThreshold;
        this.openFor = b.openFor;
        this.clock = b.clock;
        this.registry = b.registry;
        this.rejected = Counter.builder("anomalyops_circuit_rejected").description("Calls refused by an open circuit"
                + " breaker").tag("breaker", name).register(registry);
        Gauge.builder("anomalyops_circuit_state", this, breaker -> breaker.state().ordinal())
                .description("Circuit breaker state: 0 closed, 1 open, 2 half-open").tag("breaker", name)
                .register(registry);
    }

    /**
     * @param name the breaker's name (the dependency), e.g. {@code llm}
     * @return a builder: 5 consecutive failures open it for 30 seconds, system clock, no metrics
     */
    public static Builder builder(String name) {
        return new Builder(name);
    }

    /** @return the state now (an open breaker whose period ended reads half-open only once a call tries it) */
    public synchronized State state() {
        return state;
    }

    /**
     * Runs a call through the breaker.
     *
     * @param call the call to the dependency
     * @param <T> what it returns
     * @return what it returned
     * @throws RetriableException at once when the breaker is open
     */
    public <T> T call(Supplier<T> call) {
        acquire();
        T result;
        try {
            result = call.get();
        } catch (RuntimeException | Error e) {
            failed();
            throw e;
        }
        succeeded();
        return result;
    }

    private synchronized void acquire() {
        if (state == State.OPEN && !clock.instant().isBefore(openedAt.plus(openFor))) {
            transition(State.HALF_OPEN);
            return;
        }
        if (state != State.CLOSED) {
            rejected.increment();
            throw new RetriableException("The circuit breaker \"" + name + "\" is open after " + failureThreshold
                    + " consecutive failures; the next trial is at " + openedAt.plus(openFor));
        }
    }

    private synchronized void failed() {
        failures++;
        if (state == State.HALF_OPEN || failures >= failureThreshold) {
            openedAt = clock.instant();
            transition(State.OPEN);
        }
    }

    private synchronized void succeeded() {
        failures = 0;
        if (state != State.CLOSED) {
            transition(State.CLOSED);
        }
    }

    private void transition(State to) {
        state = to;
        Counter.builder("anomalyops_circuit_transitions").description("Circuit breaker state changes")
                .tags("breaker", name, "to", to.name().toLowerCase(java.util.Locale.ROOT)).register(registry).increment();
    }

    /**
     * @param explainer an explainer calling a remote model
     * @return the same explainer behind this breaker
     */
    public Explainer explainer(Explainer explainer) {
        Objects.requireNonNull(explainer, "explainer");
        return new Explainer() {
            @Override
            public String name() {
                return explainer.name();
            }

            @Override
            public Explanation explain(AnomalyContext anomaly, List<SimilarIncident> incidents) {
                return call(() -> explainer.explain(anomaly, incidents));
            }
        };
    }

    /**
     * @param retriever a retriever searching a remote store
     * @return the same retriever behind this breaker
     */
    public Retriever retriever(Retriever retriever) {
        Objects.requireNonNull(retriever, "retriever");
        return (anomaly, search) -> call(() -> retriever.retrieve(anomaly, search));
    }

    /** Builds a {@link CircuitBreaker}; {@link #build()} reports every invalid value at once. */
    public static final class Builder {
        private final String name;
        private int failureThreshold = 5;
        private Duration openFor = Duration.ofSeconds(30);
        private Clock clock = Clock.systemUTC();
        private MeterRegistry registry = new CompositeMeterRegistry();

        private Builder(String name) {
            this.name = Objects.requireNonNull(name, "name");
        }

        /**
         * @param failures consecutive failures that open the breaker, at least 1 (default 5)
         * @return this builder
         */
        public Builder failureThreshold(int failures) {
            this.failureThreshold = failures;
            return this;
        }

        /**
         * @param openFor how long it stays open before a trial call, positive (default 30 s)
         * @return this builder
         */
        public Builder openFor(Duration openFor) {
            this.openFor = openFor;
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
         * @param registry where the state gauge and counters go
         * @return this builder
         */
        public Builder meterRegistry(MeterRegistry registry) {
            this.registry = Objects.requireNonNull(registry, "registry");
            return this;
        }

        /**
         * @return the breaker, closed
         * @throws ConfigurationException listing every invalid value
         */
        public CircuitBreaker build() {
            List<String> problems = new ArrayList<>();
            if (name.isBlank()) {
                problems.add("name must not be blank");
            }
            if (failureThreshold < 1) {
                problems.add("failureThreshold must be at least 1 but was " + failureThreshold);
            }
            if (openFor == null || openFor.isNegative() || openFor.isZero()) {
                problems.add("openFor must be positive but was " + openFor);
            }
            if (!problems.isEmpty()) {
                throw new ConfigurationException(problems);
            }
            return new CircuitBreaker(this);
        }
    }
}
