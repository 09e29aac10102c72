package dev.anomalyops.features.logs.windows;

import dev.anomalyops.core.ConfigurationException;
import dev.anomalyops.core.Feature;
import dev.anomalyops.core.FeatureSchema;
import dev.anomalyops.core.NonFinitePolicy;
import java.time.Duration;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Turns a stream of (record, template id) pairs into one feature row per key and window: an instance per
 * time window (1 minute, 5 minutes ...), or a session (all events that carry one id, such as an HDFS block
 * {@code blk_...}). This class is the definition (schema and settings); {@link #aggregator} starts a stream.
 *
 * <p>The columns, in order ({@link #schema()}):
 * <ul>
 *   <li>{@code log_count}: messages;</li>
 *   <li>{@code log_rate_per_s}: messages per second of the window (for a session, of its span; NaN when that
 *       is unknown or zero);</li>
 *   <li>{@code level_error} (ERROR and FATAL), {@code level_warn}, {@code level_info}, {@code level_other}
 *       (DEBUG, TRACE, none);</li>
 *   <li>{@code unique_templates}: distinct template ids (an unmatched message counts as one id);</li>
 *   <li>{@code new_templates}: distinct templates this aggregator saw for the first time in this window;</li>
 *   <li>{@code unseen_template_count}: messages whose template is not in the vocabulary (learnt after it was
 *       fixed, or unmatched);</li>
 *   <li>{@code hour} (0 to 23), {@code day_of_week} (1 Monday to 7 Sunday), {@code is_weekend} (0 or 1) of the
 *       window start in the configured zone, NaN without timestamps;</li>
 *   <li>{@code template_<id>}: messages per template of the {@link TemplateVocabulary}, in id order.</li>
 * </ul>
 *
 * <pre>{@code
 * LogFeatureExtractor perMinute = LogFeatureExtractor.builder(TemplateVocabulary.of(matcher))
 *         .window(Duration.ofMinutes(1)).byInstance().zone(ZoneId.of("Europe/Berlin")).build();
 * LogFeatureExtractor perBlock = LogFeatureExtractor.builder(vocabulary)
 *         .bySession(Pattern.compile("blk_-?\\d+")).build();
 * }</pre>
 *
 * <p>Immutable and thread-safe; each aggregator is single-threaded.
 */
public final class LogFeatureExtractor {
    /** Names of the columns before the template columns, in order. */
    public static final List<String> BASE_COLUMNS = List.of("log_count", "log_rate_per_s", "level_error", "level_warn",
            "level_info", "level_other", "unique_templates", "new_templates", "unseen_template_count", "hour",
            "day_of_week", "is_weekend");

    static final int LOG_COUNT = 0;
    static final int RATE = 1;
    static final int LEVEL_ERROR = 2;
    static final int LEVEL_WARN = 3;
    static final int LEVEL_INFO = 4;
    static final int LEVEL_OTHER = 5;
    static final int UNIQUE = 6;
    static final int NEW = 7;
    static final int UNSEEN = 8;
    static final int HOUR = 9;
    static final int DAY_OF_WEEK = 10;
    static final int WEEKEND = 11;

    /** How events are grouped into rows. */
    public enum Grouping {
        /** By the record's source (instance, host, stream), per time window. */
        INSTANCE,
        /** All events together, per time window. */
        GLOBAL,
        /** By session id found in the message, one row per session. */
        SESSION
    }

    private final TemplateVocabulary vocabulary;
    private final Grouping grouping;
    private final Duration window;
    private final Duration allowedLateness;
    private final @Nullable Duration sessionGap;
    private final @Nullable Pattern sessionId;
    private final ZoneId zone;
    private final FeatureSchema schema;

    private LogFeatureExtractor(Builder builder) {
        this.vocabulary = builder.vocabulary;
        this.grouping = builder.grouping;
        this.window = builder.window;
        this.allowedLateness = builder.allowedLateness;
        this.sessionGap = builder.sessionGap;
        this.sessionId = builder.sessionId;
        this.zone = builder.zone;
        FeatureSchema.Builder schemaBuilder = FeatureSchema.builder();
        for (int i = 0; i < BASE_COLUMNS.size(); i++) {
            boolean mayBeMissing = i == RATE || i == HOUR || i == DAY_OF_WEEK || i == WEEKEND;
            schemaBuilder.add(Feature.of(BASE_COLUMNS.get(i),
                    mayBeMissing ? NonFinitePolicy.MISSING_ALLOWED : NonFinitePolicy.REJECT));
        }
        for (int id : vocabulary.ids()) {
            schemaBuilder.add(Feature.of(TemplateVocabulary.columnName(id), NonFinitePolicy.REJECT));
        }
        this.schema = schemaBuilder.build();
    }

    /**
     * @param vocabulary the templates that get a count column
     * @return a builder: per instance, 1-minute windows, UTC time features
     */
    public static Builder builder(TemplateVocabulary vocabulary) {
        return new Builder(vocabulary);
    }

    /** @return the row layout */
    public FeatureSchema schema() {
        return schema;
    }

    /** @return the template columns */
    public TemplateVocabulary vocabulary() {
        return vocabulary;
    }

    /** @return how events are grouped */
    public Grouping grouping() {
        return grouping;
    }

    /** @return the window length (time groupings) */
    public Duration window() {
        return window;
    }

    /** @return how long a time window waits for late events after it ends */
    public Duration allowedLateness() {
        return allowedLateness;
    }

    /** @return the inactivity after which a session closes, empty when sessions close only at the end */
    public java.util.Optional<Duration> sessionGap() {
        return java.util.Optional.ofNullable(sessionGap);
    }

    /** @return the session id pattern, null unless grouping by session */
    @Nullable Pattern sessionIdPattern() {
        return sessionId;
    }

    /** @return the zone of the time features */
    public ZoneId zone() {
        return zone;
    }

    /**
     * @param rows receives each completed row
     * @return a new aggregation; not thread-safe
     */
    public LogWindowAggregator aggregator(Consumer<LogFeatureRow> rows) {
        return new LogWindowAggregator(this, Objects.requireNonNull(rows, "rows"));
    }

    @Override
    public String toString() {
        return "LogFeatureExtractor[" + grouping + (grouping == Grouping.SESSION ? " " + sessionId : " " + window) + ", "
                + vocabulary + ", zone " + zone + "]";
    }

    /** Configures a {@link LogFeatureExtractor}. Not thread-safe. */
    public static final class Builder {
        private final TemplateVocabulary vocabulary;
        private Grouping grouping = Grouping.INSTANCE;
        private Duration window = Duration.ofMinutes(1);
        private Duration allowedLateness = Duration.ZERO;
        private @Nullable Duration sessionGap;
        private @Nullable Pattern sessionId;
        private ZoneId zone = ZoneOffset.UTC;

        private Builder(TemplateVocabulary vocabulary) {
            this.vocabulary = Objects.requireNonNull(vocabulary, "vocabulary");
        }

        /**
         * @param length the tumbling window length, aligned on the epoch (a 5-minute window starts at :00, :05 ...)
         * @return this builder
         */
        public Builder window(Duration length) {
            this.window = Objects.requireNonNull(length, "length");
            return this;
        }

        /** @return this builder, grouping by record source per window (the default) */
        public Builder byInstance() {
            this.grouping = Grouping.INSTANCE;
            return this;
        }

        /** @return this builder, one row per window for all events together */
        public Builder global() {
            this.grouping = Grouping.GLOBAL;
            return this;
        }

        /**
         * @param idPattern finds the session ids in a message (every distinct match; a message with several ids,
         *     such as a list of blocks, counts in each of their sessions)
         * @return this builder, one row per session
         */
        public Builder bySession(Pattern idPattern) {
            this.grouping = Grouping.SESSION;
            this.sessionId = Objects.requireNonNull(idPattern, "idPattern");
            return this;
        }

        /**
         * @param gap a session with no event for this long is closed and emitted (needs timestamps); by default
         *     sessions are emitted when the aggregation finishes
         * @return this builder
         */
        public Builder sessionGap(Duration gap) {
            this.sessionGap = Objects.requireNonNull(gap, "gap");
            return this;
        }

        /**
         * @param lateness how long after its end a time window still accepts events (default zero: a window is
         *     emitted as soon as an event of a later window arrives)
         * @return this builder
         */
        public Builder allowedLateness(Duration lateness) {
            this.allowedLateness = Objects.requireNonNull(lateness, "lateness");
            return this;
        }

        /**
         * @param zone the zone in which hour and day of week are read (default UTC)
         * @return this builder
         */
        public Builder zone(ZoneId zone) {
            this.zone = Objects.requireNonNull(zone, "zone");
            return this;
        }

        /**
         * @return the extractor
         * @throws ConfigurationException listing every invalid setting
         */
        public LogFeatureExtractor build() {
            List<String> problems = new ArrayList<>();
            if (window.isZero() || window.isNegative()) {
                problems.add("window must be positive but was " + window);
            } else if (window.toMillis() < 1) {
                problems.add("window must be at least 1 ms but was " + window);
            }
            if (allowedLateness.isNegative()) {
                problems.add("allowedLateness must be >= 0 but was " + allowedLateness);
            }
            if (sessionGap != null && (sessionGap.isZero() || sessionGap.isNegative())) {
                problems.add("sessionGap must be positive but was " + sessionGap);
            }
            if (sessionGap != null && grouping != Grouping.SESSION) {
                problems.add("sessionGap applies to sessions only; call bySession(...) as well");
            }
            if (sessionId != null && sessionId.matcher("").find()) {
                problems.add("Session id pattern \"" + sessionId + "\" matches the empty string");
            }
            if (!problems.isEmpty()) {
                throw new ConfigurationException(problems);
            }
            return new LogFeatureExtractor(this);
        }
    }
}
