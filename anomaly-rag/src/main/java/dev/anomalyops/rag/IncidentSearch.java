package dev.anomalyops.rag;

import dev.anomalyops.core.ConfigurationException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * What to look for in an {@link IncidentStore}: how many incidents, how similar at least, and optional
 * filters on the service and on when the incident occurred. Immutable; the defaults are Qdrant's usual
 * RAG settings: {@code limit} 5 and {@code score_threshold} 0.7.
 */
public final class IncidentSearch {
    /** Default number of incidents returned. */
    public static final int DEFAULT_LIMIT = 5;
    /** Default minimum cosine similarity. */
    public static final double DEFAULT_MIN_SIMILARITY = 0.7;

    private static final IncidentSearch DEFAULTS = builder().build();

    private final int limit;
    private final double minSimilarity;
    private final @Nullable String service;
    private final @Nullable Instant from;
    private final @Nullable Instant until;

    private IncidentSearch(Builder b) {
        this.limit = b.limit;
        this.minSimilarity = b.minSimilarity;
        this.service = b.service;
        this.from = b.from;
        this.until = b.until;
    }

    /** @return limit 5, minimum similarity 0.7, no filters */
    public static IncidentSearch defaults() {
        return DEFAULTS;
    }

    /** @return a builder starting from the defaults */
    public static Builder builder() {
        return new Builder();
    }

    /** @return a builder holding these values */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.limit = limit;
        b.minSimilarity = minSimilarity;
        b.service = service;
        b.from = from;
        b.until = until;
        return b;
    }

    /** @return the most incidents returned */
    public int limit() {
        return limit;
    }

    /** @return the minimum cosine similarity (Qdrant's {@code score_threshold}) */
    public double minSimilarity() {
        return minSimilarity;
    }

    /** @return only incidents of this service, when present */
    public Optional<String> service() {
        return Optional.ofNullable(service);
    }

    /** @return only incidents that occurred at or after this instant, when present */
    public Optional<Instant> from() {
        return Optional.ofNullable(from);
    }

    /** @return only incidents that occurred before this instant, when present */
    public Optional<Instant> until() {
        return Optional.ofNullable(until);
    }

    /**
     * @param incident an incident
     * @return whether it passes the service and time filters
     */
    public boolean accepts(Incident incident) {
        if (service != null && !service.equals(incident.service())) {
            return false;
        }
        if (from != null && incident.occurredAt().isBefore(from)) {
            return false;
        }
        return until == null || incident.occurredAt().isBefore(until);
    }

    @Override
    public String toString() {
        return "IncidentSearch[limit=" + limit + ", minSimilarity=" + minSimilarity + ", service=" + service
                + ", from=" + from + ", until=" + until + "]";
    }

    /** Builds an {@link IncidentSearch}; {@link #build()} reports every invalid value at once. */
    public static final class Builder {
        private int limit = DEFAULT_LIMIT;
        private double minSimilarity = DEFAULT_MIN_SIMILARITY;
        private @Nullable String service;
        private @Nullable Instant from;
        private @Nullable Instant until;

        private Builder() {}

        /**
         * @param limit the most incidents returned, 1 to 1000
         * @return this builder
         */
        public Builder limit(int limit) {
            this.limit = limit;
            return this;
        }

        /**
         * @param minSimilarity the minimum cosine similarity in [-1, 1]
         * @return this builder
         */
        public Builder minSimilarity(double minSimilarity) {
            this.minSimilarity = minSimilarity;
            return this;
        }

        /**
         * @param service only this service's incidents; null for all
         * @return this builder
         */
        public Builder service(@Nullable String service) {
            this.service = service;
            return this;
        }

        /**
         * @param from only incidents at or after this instant; null for no lower bound
         * @param until only incidents before this instant; null for no upper bound
         * @return this builder
         */
        public Builder occurredBetween(@Nullable Instant from, @Nullable Instant until) {
            this.from = from;
            this.until = until;
            return this;
        }

        /**
         * @return the search
         * @throws ConfigurationException listing every invalid value
         */
        public IncidentSearch build() {
            List<String> problems = new ArrayList<>();
            if (limit < 1 || limit > 1000) {
                problems.add("limit must be between 1 and 1000 but was " + limit);
            }
            if (!(minSimilarity >= -1.0 && minSimilarity <= 1.0)) {
                problems.add("minSimilarity must be between -1 and 1 but was " + minSimilarity);
            }
            if (service != null && service.isBlank()) {
                problems.add("service must not be blank (use null for all services)");
            }
            if (from != null && until != null && !from.isBefore(until)) {
                problems.add("the time window must start before it ends but was [" + from + ", " + until + ")");
            }
            if (!problems.isEmpty()) {
                throw new ConfigurationException(problems);
            }
            return new IncidentSearch(this);
        }
    }
}
