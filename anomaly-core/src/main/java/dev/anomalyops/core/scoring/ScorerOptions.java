package dev.anomalyops.core.scoring;

import dev.anomalyops.core.ConfigurationException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * How to open a scorer: which engine to prefer, how many threads an engine may use, and engine-specific
 * properties (for example a remote server's URL). Immutable; build with {@link #builder()}.
 *
 * @param engine the engine to use by name ({@code java}, {@code xgboost4j}, {@code catboost}, …); empty for
 *     the highest-priority engine that supports the format
 * @param threads threads an engine may use inside one call (native engines); 1 keeps latency predictable
 * @param properties engine-specific settings
 */
public record ScorerOptions(Optional<String> engine, int threads, Map<String, String> properties) {

    /** Copies the properties. */
    public ScorerOptions {
        Objects.requireNonNull(engine, "engine");
        properties = java.util.Collections.unmodifiableSortedMap(new TreeMap<>(properties));
    }

    /** @return the defaults: any engine, one thread, no properties */
    public static ScorerOptions defaults() {
        return builder().build();
    }

    /** @return a builder starting from the defaults */
    public static Builder builder() {
        return new Builder();
    }

    /** @return a builder holding this object's values */
    public Builder toBuilder() {
        Builder builder = new Builder();
        builder.engine = engine.orElse(null);
        builder.threads = threads;
        builder.properties.putAll(properties);
        return builder;
    }

    /** Builds {@link ScorerOptions}; {@link #build()} reports every invalid value at once. */
    public static final class Builder {
        private String engine;
        private int threads = 1;
        private final Map<String, String> properties = new TreeMap<>();

        private Builder() {}

        /**
         * @param engine engine name, or null for any
         * @return this builder
         */
        public Builder engine(String engine) {
            this.engine = engine;
            return this;
        }

        /**
         * @param threads threads per call, at least 1
         * @return this builder
         */
        public Builder threads(int threads) {
            this.threads = threads;
            return this;
        }

        /**
         * @param key property name
         * @param value its value
         * @return this builder
         */
        public Builder property(String key, String value) {
            properties.put(key, value);
            return this;
        }

        /**
         * @return the options
         * @throws ConfigurationException listing every invalid value
         */
        public ScorerOptions build() {
            List<String> problems = new ArrayList<>();
            if (threads < 1) {
                problems.add("threads was " + threads + " but it must be at least 1");
            }
            if (engine != null && engine.isBlank()) {
                problems.add("engine was blank; leave it unset to let AnomalyOps choose");
            }
            if (!problems.isEmpty()) {
                throw new ConfigurationException(problems);
            }
            return new ScorerOptions(Optional.ofNullable(engine), threads, properties);
        }
    }
}
