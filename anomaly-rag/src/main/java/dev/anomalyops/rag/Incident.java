package dev.anomalyops.rag;

import dev.anomalyops.rag.internal.Sha256;
import java.time.Instant;
import java.util.Locale;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A past incident: what was seen, where, how bad it was, what caused it and how it was resolved. Its
 * {@link #contentHash()} identifies it: ingesting the same incident twice stores it once.
 *
 * @param id the source's identifier (a ticket number), or the content hash when the source has none
 * @param message the log message or summary that was seen; this is what similarity is computed on
 * @param service the affected service, or null
 * @param severity the severity as recorded (lower-cased: {@code critical}, {@code high}…); {@code unknown}
 *     when not recorded
 * @param rootCause the recorded root cause, or null when nobody wrote it down
 * @param resolution what was done to resolve it, or null
 * @param occurredAt when it started
 * @param resolvedAt when it was resolved, or null
 */
public record Incident(
        String id,
        String message,
        @Nullable String service,
        String severity,
        @Nullable String rootCause,
        @Nullable String resolution,
        Instant occurredAt,
        @Nullable Instant resolvedAt) {

    /** Validates, trims and normalises blank optional fields to null. */
    public Incident {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(message, "message");
        Objects.requireNonNull(severity, "severity");
        Objects.requireNonNull(occurredAt, "occurredAt");
        message = message.strip();
        if (message.isEmpty()) {
            throw new IllegalArgumentException("Incident \"" + id + "\" has an empty message");
        }
        service = blankToNull(service);
        rootCause = blankToNull(rootCause);
        resolution = blankToNull(resolution);
        severity = severity.isBlank() ? "unknown" : severity.strip().toLowerCase(Locale.ROOT);
        if (resolvedAt != null && resolvedAt.isBefore(occurredAt)) {
            throw new IllegalArgumentException("Incident \"" + id + "\" was resolved at " + resolvedAt
                    + ", before it occurred at " + occurredAt);
        }
        id = id.isBlank() ? contentHash(message, service, severity, rootCause, resolution, occurredAt) : id.strip();
    }

    /**
     * @param message the log message or summary
     * @param occurredAt when it started
     * @return a builder; the id defaults to the content hash
     */
    public static Builder builder(String message, Instant occurredAt) {
        return new Builder(message, occurredAt);
    }

    /**
     * The SHA-256 of the incident's content (message, service, severity, cause, resolution, start time),
     * independent of the source's id: two copies of one incident from two exports have the same hash.
     *
     * @return 64 hex digits
     */
    public String contentHash() {
        return contentHash(message, service, severity, rootCause, resolution, occurredAt);
    }

    private static String contentHash(String message, @Nullable String service, String severity,
            @Nullable String rootCause, @Nullable String resolution, Instant occurredAt) {
        // Unit separators keep field boundaries unambiguous.
        return Sha256.hex(String.join("\u001f", message, nullToEmpty(service), severity, nullToEmpty(rootCause),
                nullToEmpty(resolution), occurredAt.toString()));
    }

    private static String nullToEmpty(@Nullable String s) {
        return s == null ? "" : s;
    }

    private static @Nullable String blankToNull(@Nullable String s) {
        return s == null || s.isBlank() ? null : s.strip();
    }

    /** Builds an {@link Incident}. */
    public static final class Builder {
        private final String message;
        private final Instant occurredAt;
        private String id = "";
        private @Nullable String service;
        private String severity = "unknown";
        private @Nullable String rootCause;
        private @Nullable String resolution;
        private @Nullable Instant resolvedAt;

        private Builder(String message, Instant occurredAt) {
            this.message = message;
            this.occurredAt = occurredAt;
        }

        /**
         * @param id the source's identifier
         * @return this builder
         */
        public Builder id(String id) {
            this.id = id;
            return this;
        }

        /**
         * @param service the affected service
         * @return this builder
         */
        public Builder service(@Nullable String service) {
            this.service = service;
            return this;
        }

        /**
         * @param severity the recorded severity
         * @return this builder
         */
        public Builder severity(String severity) {
            this.severity = severity;
            return this;
        }

        /**
         * @param rootCause the recorded cause
         * @return this builder
         */
        public Builder rootCause(@Nullable String rootCause) {
            this.rootCause = rootCause;
            return this;
        }

        /**
         * @param resolution what resolved it
         * @return this builder
         */
        public Builder resolution(@Nullable String resolution) {
            this.resolution = resolution;
            return this;
        }

        /**
         * @param resolvedAt when it was resolved
         * @return this builder
         */
        public Builder resolvedAt(@Nullable Instant resolvedAt) {
            this.resolvedAt = resolvedAt;
            return this;
        }

        /** @return the incident */
        public Incident build() {
            return new Incident(id, message, service, severity, rootCause, resolution, occurredAt, resolvedAt);
        }
    }
}
