package dev.anomalyops.features.metrics;

import dev.anomalyops.core.ConfigurationException;
import dev.anomalyops.core.InputException;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The online execution of a {@link FeatureSpec}, for scoring inside a service as samples arrive. Each instance
 * keeps a small incremental state (its size is fixed by the spec's longest window or lag, see
 * {@link #bytesPerInstance()}); each sample costs O(1) per feature (min/max amortised). Instances idle for longer
 * than {@code idleTimeout} on the injected clock are evicted (see {@link #evictIdle()}), and when a new instance
 * would exceed {@code maxInstances} the least recently updated tenth is evicted; an evicted instance that comes
 * back starts from empty history, as a new one would.
 *
 * <p>Rows are bit-for-bit those {@link BatchFeatures} computes from the same samples (as long as no instance was
 * evicted in between). Not thread-safe: use one per thread or partition of instances.
 *
 * <pre>{@code
 * OnlineFeatures online = OnlineFeatures.builder(spec).idleTimeout(Duration.ofHours(1)).build();
 * float[] row = new float[spec.schema().size()];
 * Outcome outcome = online.update("i-0abc", epochMillis, new double[] {cpu, networkIn}, row, 0);
 * }</pre>
 */
public final class OnlineFeatures {
    private final Plan plan;
    private final InstantSource clock;
    private final long idleMs;
    private final int maxInstances;
    private final Map<String, InstanceState> states = new HashMap<>();
    private final long sweepEveryMs;
    private long evicted;
    private long accepted;
    private long duplicates;
    private long late;
    private long sequence;
    private long lastSweep;

    private OnlineFeatures(Builder b) {
        this.plan = new Plan(b.spec);
        this.clock = b.clock;
        this.idleMs = b.idleTimeout.toMillis();
        this.maxInstances = b.maxInstances;
        this.sweepEveryMs = Math.max(1, idleMs / 8);
        this.lastSweep = clock.millis();
    }

    /**
     * @param spec the feature spec
     * @return a builder (system clock, idle timeout 1 hour, at most 100,000 instances)
     */
    public static Builder builder(FeatureSpec spec) {
        return new Builder(spec);
    }

    /** @return the spec this execution computes */
    public FeatureSpec spec() {
        return plan.spec();
    }

    /**
     * Takes one sample of one instance and writes its feature row.
     *
     * @param instance the instance key
     * @param timestamp sample time, epoch milliseconds
     * @param values one value per spec metric in spec order; NaN or infinite means missing
     * @param out the row buffer, {@code spec().schema().size()} floats from {@code offset}
     * @param offset where the row starts
     * @return {@link Outcome#ACCEPTED} (row written), or why the sample was rejected (nothing written or changed)
     */
    public Outcome update(String instance, long timestamp, double[] values, float[] out, int offset) {
        if (values.length < plan.metrics.length) {
            throw new IllegalArgumentException("Expected " + plan.metrics.length + " metric values but got "
                    + values.length);
        }
        long now = clock.millis();
        InstanceState state = states.get(instance);
        if (state == null) {
            state = plan.newState();
            state.key = instance;
            states.put(instance, state);
            if (states.size() > maxInstances) {
                evictOldest(Math.max(1, maxInstances / 10), state);
            }
        }
        state.lastSeen = now;
        state.sequence = ++sequence;
        Outcome outcome = state.update(timestamp, values, 0, out, offset);
        if (outcome == Outcome.ACCEPTED) {
            accepted++;
        } else if (outcome == Outcome.DUPLICATE) {
            duplicates++;
        } else {
            late++;
        }
        if (now - lastSweep >= sweepEveryMs) {
            evictIdle(now);
        }
        return outcome;
    }

    /**
     * Convenience form of {@link #update} with named values.
     *
     * @param instance the instance key
     * @param timestamp epoch milliseconds
     * @param values metric name to value; absent metrics are missing
     * @return the feature row
     * @throws InputException when the sample is rejected (duplicate or late), naming the instance and time
     */
    public float[] update(String instance, long timestamp, Map<String, ? extends Number> values) {
        List<MetricSpec> metrics = plan.spec().metrics();
        double[] v = new double[metrics.size()];
        for (int i = 0; i < v.length; i++) {
            Number n = values.get(metrics.get(i).name());
            v[i] = n == null ? Double.NaN : n.doubleValue();
        }
        float[] row = new float[plan.width()];
        Outcome outcome = update(instance, timestamp, v, row, 0);
        if (outcome != Outcome.ACCEPTED) {
            throw new InputException("Sample of instance \"" + instance + "\" at " + java.time.Instant.ofEpochMilli(timestamp)
                    + " was rejected: " + outcome.reason());
        }
        return row;
    }

    /**
     * Evicts every instance not updated within the idle timeout. Updates also do this, at most every eighth of the
     * timeout, so an idle instance goes between {@code idleTimeout} and {@code 1.125 * idleTimeout} after its last
     * sample; the sweep is O(instances) and runs at most eight times per timeout.
     *
     * @return how many were evicted
     */
    public int evictIdle() {
        return evictIdle(clock.millis());
    }

    private int evictIdle(long now) {
        lastSweep = now;
        int before = states.size();
        states.values().removeIf(s -> now - s.lastSeen > idleMs);
        int count = before - states.size();
        evicted += count;
        return count;
    }

    /** Over the limit: the least recently updated tenth goes at once, so the O(n log n) pass is amortised. */
    private void evictOldest(int count, InstanceState keep) {
        List<InstanceState> all = new ArrayList<>(states.values());
        all.remove(keep);
        all.sort(java.util.Comparator.comparingLong(s -> s.sequence));
        for (int i = 0; i < Math.min(count, all.size()); i++) {
            states.remove(all.get(i).key);
            evicted++;
        }
    }

    /** @return the instances held now, least recently updated first */
    public List<String> instances() {
        List<InstanceState> all = new ArrayList<>(states.values());
        all.sort(java.util.Comparator.comparingLong(s -> s.sequence));
        List<String> keys = new ArrayList<>(all.size());
        all.forEach(s -> keys.add(s.key));
        return keys;
    }

    /** @return the number of instances held now */
    public int instanceCount() {
        return states.size();
    }

    /** @return approximate bytes of state per instance, fixed by the spec */
    public long bytesPerInstance() {
        return plan.bytesPerInstance();
    }

    /** @return counters since creation: accepted, duplicate, late, evicted */
    public Counters counters() {
        return new Counters(accepted, duplicates, late, evicted);
    }

    /**
     * Sample counters of an online execution.
     *
     * @param accepted samples that produced a row
     * @param duplicates samples rejected as duplicate timestamps
     * @param late samples rejected as out of order
     * @param evicted instances evicted (idle or over the limit)
     */
    public record Counters(long accepted, long duplicates, long late, long evicted) {}

    /** Settings of an online execution. */
    public static final class Builder {
        private final FeatureSpec spec;
        private InstantSource clock = InstantSource.system();
        private Duration idleTimeout = Duration.ofHours(1);
        private int maxInstances = 100_000;

        private Builder(FeatureSpec spec) {
            this.spec = Objects.requireNonNull(spec, "spec");
        }

        /** @param source the clock idle time is measured on @return this builder */
        public Builder clock(InstantSource source) {
            this.clock = Objects.requireNonNull(source, "clock");
            return this;
        }

        /** @param timeout how long an instance may go without samples before it is evicted @return this builder */
        public Builder idleTimeout(Duration timeout) {
            this.idleTimeout = Objects.requireNonNull(timeout, "idleTimeout");
            return this;
        }

        /** @param limit the most instances held at once @return this builder */
        public Builder maxInstances(int limit) {
            this.maxInstances = limit;
            return this;
        }

        /**
         * @return the execution
         * @throws ConfigurationException listing every invalid setting
         */
        public OnlineFeatures build() {
            List<String> problems = new ArrayList<>();
            if (idleTimeout.isNegative() || idleTimeout.isZero()) {
                problems.add("idleTimeout must be positive but was " + idleTimeout);
            }
            if (maxInstances < 1) {
                problems.add("maxInstances must be at least 1 but was " + maxInstances);
            }
            if (!problems.isEmpty()) {
                throw new ConfigurationException(problems);
            }
            return new OnlineFeatures(this);
        }
    }
}
