package dev.anomalyops.features.logs.windows;

import dev.anomalyops.features.logs.LogLevel;
import dev.anomalyops.features.logs.LogRecord;
import dev.anomalyops.features.logs.templates.TemplateMiner;
import java.time.DayOfWeek;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * One running aggregation of a {@link LogFeatureExtractor}: feed it events in arrival order, it emits a row
 * when a window or session is complete, and {@link #finish()} emits the rest.
 *
 * <p>Time windows are emitted once an event arrives that is later than the window's end plus the allowed
 * lateness (or on {@link #advanceTo}). An event for a window already emitted is not counted; {@link #accept}
 * says so ({@link Outcome#LATE}) so the caller can quarantine it. Likewise for an event without timestamp in a
 * time grouping and for a message without session id in a session grouping. Memory holds the open windows (or
 * sessions) only.
 *
 * <p>Not thread-safe.
 */
public final class LogWindowAggregator {
    /** What happened to one event. */
    public enum Outcome {
        /** Counted. */
        ACCEPTED,
        /** Its window was already emitted; not counted. */
        LATE,
        /** A time grouping needs a timestamp and the event has none; not counted. */
        NO_TIMESTAMP,
        /** A session grouping found no session id in the message; not counted. */
        NO_SESSION_ID
    }

    private final LogFeatureExtractor spec;
    private final Consumer<LogFeatureRow> rows;
    private final TemplateVocabulary vocabulary;
    private final long windowMillis;
    private final long latenessMillis;
    private final long gapMillis;
    private final @Nullable Pattern sessionPattern;
    private final TreeMap<Long, TreeMap<String, State>> windows = new TreeMap<>();
    private final LinkedHashMap<String, State> sessions = new LinkedHashMap<>(16, 0.75f, true);
    private final Set<Integer> seen = new HashSet<>();
    private long latest = Long.MIN_VALUE;
    private long closedBefore = Long.MIN_VALUE;
    private long accepted;
    private long late;
    private long withoutTimestamp;
    private long withoutSession;
    private long emitted;
    private boolean finished;

    LogWindowAggregator(LogFeatureExtractor spec, Consumer<LogFeatureRow> rows) {
        this.spec = spec;
        this.rows = rows;
        this.vocabulary = spec.vocabulary();
        this.windowMillis = spec.window().toMillis();
        this.latenessMillis = spec.allowedLateness().toMillis();
        this.gapMillis = spec.sessionGap().map(java.time.Duration::toMillis).orElse(-1L);
        this.sessionPattern = spec.sessionIdPattern();
    }

    /** Counts of one key and window. */
    private final class State {
        final String key;
        final long start;
        long count;
        final long[] levels = new long[4];
        final int[] templates = new int[vocabulary.size()];
        @Nullable Set<Integer> otherTemplates;
        int distinct;
        int newTemplates;
        long unseen;
        long first = Long.MAX_VALUE;
        long last = Long.MIN_VALUE;

        State(String key, long start) {
            this.key = key;
            this.start = start;
        }

        void add(@Nullable Instant timestamp, LogLevel level, int templateId, boolean isNew) {
            count++;
            levels[levelColumn(level)]++;
            int column = vocabulary.column(templateId);
            if (column >= 0) {
                if (templates[column]++ == 0) {
                    distinct++;
                }
            } else {
                unseen++;
                if (otherTemplates == null) {
                    otherTemplates = new HashSet<>();
                }
                if (otherTemplates.add(templateId)) {
                    distinct++;
                }
            }
            if (isNew) {
                newTemplates++;
            }
            if (timestamp != null) {
                long millis = timestamp.toEpochMilli();
                first = Math.min(first, millis);
                last = Math.max(last, millis);
            }
        }
    }

    private static int levelColumn(LogLevel level) {
        switch (level) {
            case ERROR: case FATAL:
                return 0;
            case WARN:
                return 1;
            case INFO:
                return 2;
            default:
                return 3;
        }
    }

    /**
     * @param record a parsed record
     * @param templateId its template ({@link TemplateMiner#UNKNOWN} when unmatched)
     * @return whether it was counted, and why not
     */
    public Outcome accept(LogRecord record, int templateId) {
        Objects.requireNonNull(record, "record");
        if (finished) {
            throw new IllegalStateException("This aggregation is finished");
        }
        switch (spec.grouping()) {
            case SESSION:
                Set<String> ids = sessionIds(record.message());
                if (ids.isEmpty()) {
                    withoutSession++;
                    return Outcome.NO_SESSION_ID;
                }
                boolean isNew = markSeen(templateId);
                for (String id : ids) {
                    addToSession(id, record.timestamp(), record.level(), templateId, isNew);
                }
                accepted++;
                closeIdleSessions();
                return Outcome.ACCEPTED;
            case GLOBAL:
                return accept("", record.timestamp(), record.level(), templateId);
            default:
                return accept(record.source(), record.timestamp(), record.level(), templateId);
        }
    }

    /**
     * Counts one event with an explicit key: the instance for time groupings, the session id for sessions.
     *
     * @param key instance or session id
     * @param timestamp when it happened; required by time groupings
     * @param level its level
     * @param templateId its template
     * @return whether it was counted, and why not
     */
    public Outcome accept(String key, @Nullable Instant timestamp, LogLevel level, int templateId) {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(level, "level");
        if (finished) {
            throw new IllegalStateException("This aggregation is finished");
        }
        if (spec.grouping() == LogFeatureExtractor.Grouping.SESSION) {
            addToSession(key, timestamp, level, templateId, markSeen(templateId));
            accepted++;
            closeIdleSessions();
            return Outcome.ACCEPTED;
        }
        if (timestamp == null) {
            withoutTimestamp++;
            return Outcome.NO_TIMESTAMP;
        }
        long millis = timestamp.toEpochMilli();
        long start = Math.floorDiv(millis, windowMillis) * windowMillis;
        if (start < closedBefore) {
            late++;
            return Outcome.LATE;
        }
        String windowKey = spec.grouping() == LogFeatureExtractor.Grouping.GLOBAL ? "" : key;
        State state = windows.computeIfAbsent(start, s -> new TreeMap<>())
                .computeIfAbsent(windowKey, k -> new State(k, start));
        state.add(timestamp, level, templateId, markSeen(templateId));
        accepted++;
        if (millis > latest) {
            latest = millis;
            emitWindowsEndingBy(latest - latenessMillis);
        }
        return Outcome.ACCEPTED;
    }

    /**
     * Declares that no event earlier than {@code watermark} minus the allowed lateness will come: emits the time
     * windows that end by then, and the sessions idle for longer than the gap.
     *
     * @param watermark the current event time
     */
    public void advanceTo(Instant watermark) {
        long millis = watermark.toEpochMilli();
        if (millis > latest) {
            latest = millis;
        }
        emitWindowsEndingBy(latest - latenessMillis);
        closeIdleSessions();
    }

    /** Emits every open window and session. Later calls do nothing. */
    public void finish() {
        if (finished) {
            return;
        }
        finished = true;
        while (!windows.isEmpty()) {
            emitBucket(windows.pollFirstEntry().getValue());
        }
        for (State state : new ArrayList<>(sessions.values())) {
            emit(state);
        }
        sessions.clear();
    }

    /** @return events counted */
    public long accepted() {
        return accepted;
    }

    /** @return events not counted because their window was already emitted */
    public long late() {
        return late;
    }

    /** @return events not counted because they had no timestamp (time groupings) */
    public long withoutTimestamp() {
        return withoutTimestamp;
    }

    /** @return messages not counted because they had no session id (session grouping) */
    public long withoutSessionId() {
        return withoutSession;
    }

    /** @return rows emitted so far */
    public long rowsEmitted() {
        return emitted;
    }

    /** @return windows and sessions still open */
    public int open() {
        int open = sessions.size();
        for (TreeMap<String, State> bucket : windows.values()) {
            open += bucket.size();
        }
        return open;
    }

    private Set<String> sessionIds(String message) {
        Pattern pattern = Objects.requireNonNull(sessionPattern, "session pattern");
        Matcher matcher = pattern.matcher(message);
        Set<String> ids = null;
        while (matcher.find()) {
            if (ids == null) {
                ids = new LinkedHashSet<>(2);
            }
            ids.add(matcher.group());
        }
        return ids == null ? Set.of() : ids;
    }

    private boolean markSeen(int templateId) {
        return seen.add(templateId);
    }

    private void addToSession(String id, @Nullable Instant timestamp, LogLevel level, int templateId, boolean isNew) {
        State state = sessions.get(id);
        if (state == null) {
            state = new State(id, Long.MIN_VALUE);
            sessions.put(id, state);
        }
        state.add(timestamp, level, templateId, isNew);
        if (timestamp != null && timestamp.toEpochMilli() > latest) {
            latest = timestamp.toEpochMilli();
        }
    }

    private void closeIdleSessions() {
        if (gapMillis < 0 || latest == Long.MIN_VALUE) {
            return;
        }
        Iterator<Map.Entry<String, State>> iterator = sessions.entrySet().iterator();
        List<State> idle = new ArrayList<>();
        while (iterator.hasNext()) {
            State state = iterator.next().getValue();
            if (state.last == Long.MIN_VALUE || state.last + gapMillis > latest) {
                break;
            }
            idle.add(state);
            iterator.remove();
        }
        for (State state : idle) {
            emit(state);
        }
    }

    private void emitWindowsEndingBy(long millis) {
        while (!windows.isEmpty() && windows.firstKey() + windowMillis <= millis) {
            emitBucket(windows.pollFirstEntry().getValue());
        }
    }

    private void emitBucket(TreeMap<String, State> bucket) {
        for (State state : bucket.values()) {
            closedBefore = Math.max(closedBefore, state.start + windowMillis);
            emit(state);
        }
    }

    private void emit(State state) {
        int width = LogFeatureExtractor.BASE_COLUMNS.size() + vocabulary.size();
        float[] values = new float[width];
        values[LogFeatureExtractor.LOG_COUNT] = state.count;
        Instant start;
        Instant end;
        double seconds;
        long timeOrigin;
        if (spec.grouping() == LogFeatureExtractor.Grouping.SESSION) {
            boolean timed = state.first != Long.MAX_VALUE;
            start = timed ? Instant.ofEpochMilli(state.first) : null;
            end = timed ? Instant.ofEpochMilli(state.last) : null;
            seconds = timed ? (state.last - state.first) / 1000.0 : Double.NaN;
            timeOrigin = timed ? state.first : Long.MIN_VALUE;
        } else {
            start = Instant.ofEpochMilli(state.start);
            end = Instant.ofEpochMilli(state.start + windowMillis);
            seconds = windowMillis / 1000.0;
            timeOrigin = state.start;
        }
        values[LogFeatureExtractor.RATE] = seconds > 0 ? (float) (state.count / seconds) : Float.NaN;
        values[LogFeatureExtractor.LEVEL_ERROR] = state.levels[0];
        values[LogFeatureExtractor.LEVEL_WARN] = state.levels[1];
        values[LogFeatureExtractor.LEVEL_INFO] = state.levels[2];
        values[LogFeatureExtractor.LEVEL_OTHER] = state.levels[3];
        values[LogFeatureExtractor.UNIQUE] = state.distinct;
        values[LogFeatureExtractor.NEW] = state.newTemplates;
        values[LogFeatureExtractor.UNSEEN] = state.unseen;
        if (timeOrigin == Long.MIN_VALUE) {
            values[LogFeatureExtractor.HOUR] = Float.NaN;
            values[LogFeatureExtractor.DAY_OF_WEEK] = Float.NaN;
            values[LogFeatureExtractor.WEEKEND] = Float.NaN;
        } else {
            ZonedDateTime time = Instant.ofEpochMilli(timeOrigin).atZone(spec.zone());
            DayOfWeek day = time.getDayOfWeek();
            values[LogFeatureExtractor.HOUR] = time.getHour();
            values[LogFeatureExtractor.DAY_OF_WEEK] = day.getValue();
            values[LogFeatureExtractor.WEEKEND] = day == DayOfWeek.SATURDAY || day == DayOfWeek.SUNDAY ? 1 : 0;
        }
        int base = LogFeatureExtractor.BASE_COLUMNS.size();
        for (int i = 0; i < state.templates.length; i++) {
            values[base + i] = state.templates[i];
        }
        emitted++;
        rows.accept(new LogFeatureRow(state.key, start, end, values));
    }
}
