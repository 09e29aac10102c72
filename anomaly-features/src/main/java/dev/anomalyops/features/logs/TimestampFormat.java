package dev.anomalyops.features.logs;

import java.time.Clock;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoField;
import java.time.temporal.TemporalAccessor;
import java.time.temporal.TemporalQueries;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * How a log writes its timestamps, and in which zone to read them. Zones are never guessed: a pattern is
 * created with the zone its wall-clock times are in, and an offset written in the text takes precedence over
 * that zone.
 *
 * <ul>
 *   <li>{@link #pattern(String, ZoneId)}: a {@link DateTimeFormatter} pattern, English month and day names,
 *       case-insensitive, runs of whitespace in the text read as one space. A pattern without a year
 *       ({@code MMM d HH:mm:ss}, as in syslog) takes it from {@link #withYear} or, by default, from a clock:
 *       the current year, or the previous one when the date would lie more than a day in the future (the
 *       rollover rule syslog daemons use). A pattern without a date needs {@link #withDate}.</li>
 *   <li>{@link #iso8601(ZoneId)}: ISO 8601 date-time, {@code T} or a space between date and time, with or
 *       without an offset (the zone applies when there is none).</li>
 *   <li>{@link #epochMillis()}, {@link #epochSeconds()} (fractions allowed): no zone involved.</li>
 *   <li>{@link #auto(ZoneId)}: numbers as epoch milliseconds (seconds when below 10<sup>11</sup>), text as ISO
 *       8601; for JSON logs whose producers differ.</li>
 * </ul>
 *
 * <p>Immutable and thread-safe.
 */
public final class TimestampFormat {
    private enum Kind { PATTERN, ISO, EPOCH_MILLIS, EPOCH_SECONDS, AUTO }

    private static final DateTimeFormatter ISO = new DateTimeFormatterBuilder()
            .parseCaseInsensitive()
            .append(DateTimeFormatter.ISO_LOCAL_DATE)
            .optionalStart().appendLiteral('T').optionalEnd()
            .optionalStart().appendLiteral(' ').optionalEnd()
            .append(DateTimeFormatter.ISO_LOCAL_TIME)
            .optionalStart().appendOffset("+HH:MM:ss", "Z").optionalEnd()
            .optionalStart().appendOffset("+HHMM", "Z").optionalEnd()
            .optionalStart().appendLiteral('[').appendZoneRegionId().appendLiteral(']').optionalEnd()
            .toFormatter(Locale.ENGLISH);

    private final Kind kind;
    private final String pattern;
    private final @Nullable DateTimeFormatter formatter;
    private final @Nullable ZoneId zone;
    private final boolean hasYear;
    private final boolean hasDate;
    private final @Nullable Integer year;
    private final @Nullable LocalDate date;
    private final Clock clock;
    private final @Nullable String problem;

    private TimestampFormat(Kind kind, String pattern, @Nullable DateTimeFormatter formatter, @Nullable ZoneId zone,
            boolean hasYear, boolean hasDate, @Nullable Integer year, @Nullable LocalDate date, Clock clock,
            @Nullable String problem) {
        this.kind = kind;
        this.pattern = pattern;
        this.formatter = formatter;
        this.zone = zone;
        this.hasYear = hasYear;
        this.hasDate = hasDate;
        this.year = year;
        this.date = date;
        this.clock = clock;
        this.problem = problem;
    }

    /**
     * @param pattern a {@link DateTimeFormatter} pattern, e.g. {@code yyMMdd HHmmss}
     * @param zone the zone the written wall-clock times are in (an offset in the text wins)
     * @return the format; an invalid pattern is reported by {@link #problems()} and by the builder that uses it
     */
    public static TimestampFormat pattern(String pattern, ZoneId zone) {
        Objects.requireNonNull(pattern, "pattern");
        Objects.requireNonNull(zone, "zone");
        DateTimeFormatter formatter = null;
        String problem = null;
        try {
            formatter = new DateTimeFormatterBuilder().parseCaseInsensitive().appendPattern(pattern)
                    .toFormatter(Locale.ENGLISH);
        } catch (IllegalArgumentException e) {
            problem = "Timestamp pattern \"" + pattern + "\" is invalid: " + e.getMessage();
        }
        String letters = patternLetters(pattern);
        boolean hasYear = containsAny(letters, "yuY");
        boolean hasDate = containsAny(letters, "yuYMLdDEeQqwWcF");
        return new TimestampFormat(Kind.PATTERN, pattern, formatter, zone, hasYear, hasDate, null, null,
                Clock.systemUTC(), problem);
    }

    /**
     * @param zone the zone of date-times written without an offset
     * @return ISO 8601 date-times
     */
    public static TimestampFormat iso8601(ZoneId zone) {
        return new TimestampFormat(Kind.ISO, "ISO-8601", ISO, Objects.requireNonNull(zone, "zone"), true, true, null,
                null, Clock.systemUTC(), null);
    }

    /** @return milliseconds since 1970-01-01T00:00Z */
    public static TimestampFormat epochMillis() {
        return new TimestampFormat(Kind.EPOCH_MILLIS, "epoch-millis", null, null, true, true, null, null,
                Clock.systemUTC(), null);
    }

    /** @return seconds since 1970-01-01T00:00Z, with an optional decimal fraction */
    public static TimestampFormat epochSeconds() {
        return new TimestampFormat(Kind.EPOCH_SECONDS, "epoch-seconds", null, null, true, true, null, null,
                Clock.systemUTC(), null);
    }

    /**
     * @param zone the zone of ISO date-times written without an offset
     * @return epoch numbers (milliseconds, or seconds below 10<sup>11</sup>) and ISO 8601 text
     */
    public static TimestampFormat auto(ZoneId zone) {
        return new TimestampFormat(Kind.AUTO, "auto", ISO, Objects.requireNonNull(zone, "zone"), true, true, null,
                null, Clock.systemUTC(), null);
    }

    /**
     * @param year the year of every timestamp, for patterns without one
     * @return a copy with that year
     */
    public TimestampFormat withYear(int year) {
        return new TimestampFormat(kind, pattern, formatter, zone, hasYear, hasDate, year, date, clock, problem);
    }

    /**
     * @param clock the clock that gives the year of timestamps written without one (default: the system clock)
     * @return a copy reading the year from that clock
     */
    public TimestampFormat withClock(Clock clock) {
        return new TimestampFormat(kind, pattern, formatter, zone, hasYear, hasDate, year, date,
                Objects.requireNonNull(clock, "clock"), problem);
    }

    /**
     * @param date the date of every timestamp, for patterns with a time of day only
     * @return a copy with that date
     */
    public TimestampFormat withDate(LocalDate date) {
        return new TimestampFormat(kind, pattern, formatter, zone, hasYear, hasDate, year,
                Objects.requireNonNull(date, "date"), clock, problem);
    }

    /** @return the pattern, or the name of the format ({@code ISO-8601}, {@code epoch-millis}, ...) */
    public String pattern() {
        return pattern;
    }

    /** @return problems that make the format unusable; empty when it is usable */
    public List<String> problems() {
        List<String> problems = new ArrayList<>(1);
        if (problem != null) {
            problems.add(problem);
        }
        if (kind == Kind.PATTERN && !hasDate && date == null) {
            problems.add("Timestamp pattern \"" + pattern + "\" has no date; set the date of the log with withDate(...)");
        }
        return problems;
    }

    /**
     * @param text the timestamp as written
     * @return the instant
     * @throws LogLineException when the text does not fit the format
     */
    public Instant parse(CharSequence text) {
        Objects.requireNonNull(text, "text");
        String value = text.toString().strip();
        if (value.isEmpty()) {
            throw new LogLineException("Timestamp is empty (expected " + describe() + ")");
        }
        switch (kind) {
            case EPOCH_MILLIS:
                return parseEpoch(value, false);
            case EPOCH_SECONDS:
                return parseEpoch(value, true);
            case AUTO:
                if (isNumeric(value)) {
                    return parseEpoch(value, parseNumber(value) < 1e11);
                }
                return parseDateTime(value);
            default:
                return parseDateTime(value);
        }
    }

    private String describe() {
        return kind == Kind.PATTERN ? "pattern \"" + pattern + "\"" : pattern;
    }

    private Instant parseDateTime(String value) {
        if (formatter == null || !problems().isEmpty()) {
            throw new LogLineException("Timestamp format " + describe() + " is unusable: " + String.join("; ", problems()));
        }
        String normalised = kind == Kind.PATTERN ? collapseSpaces(value) : value;
        try {
            TemporalAccessor parsed = formatter.parse(normalised);
            ZoneId written = parsed.query(TemporalQueries.zone());
            ZoneId effective = written != null ? written : zone;
            if (effective == null) {
                throw new LogLineException("Timestamp \"" + value + "\" has no offset and the format has no zone");
            }
            LocalTime time = parsed.query(TemporalQueries.localTime());
            if (time == null) {
                time = LocalTime.MIDNIGHT;
            }
            LocalDate day = parsed.query(TemporalQueries.localDate());
            if (day == null) {
                day = dayWithoutYear(parsed, time, effective, value);
            }
            return ZonedDateTime.of(day, time, effective).toInstant();
        } catch (DateTimeParseException e) {
            throw new LogLineException("Timestamp \"" + value + "\" does not match " + describe() + " at position "
                    + e.getErrorIndex(), e);
        } catch (DateTimeException | ArithmeticException e) {
            throw new LogLineException("Timestamp \"" + value + "\" is not a valid date-time for " + describe() + ": "
                    + e.getMessage(), e);
        }
    }

    private LocalDate dayWithoutYear(TemporalAccessor parsed, LocalTime time, ZoneId effective, String value) {
        if (!parsed.isSupported(ChronoField.MONTH_OF_YEAR) || !parsed.isSupported(ChronoField.DAY_OF_MONTH)) {
            if (date != null) {
                return date;
            }
            throw new LogLineException("Timestamp \"" + value + "\" has no date (pattern \"" + pattern
                    + "\") and no date was configured");
        }
        int month = parsed.get(ChronoField.MONTH_OF_YEAR);
        int day = parsed.get(ChronoField.DAY_OF_MONTH);
        if (year != null) {
            return LocalDate.of(year, month, day);
        }
        ZonedDateTime now = ZonedDateTime.now(clock.withZone(effective));
        int candidateYear = now.getYear();
        while (month == 2 && day == 29 && !java.time.Year.isLeap(candidateYear)) {
            candidateYear--;
        }
        LocalDate candidate = LocalDate.of(candidateYear, month, day);
        if (ZonedDateTime.of(candidate, time, effective).isAfter(now.plusDays(1))) {
            int previous = candidateYear - 1;
            if (month == 2 && day == 29) {
                while (!java.time.Year.isLeap(previous)) {
                    previous--;
                }
            }
            candidate = LocalDate.of(previous, month, day);
        }
        return candidate;
    }

    private static Instant parseEpoch(String value, boolean seconds) {
        if (!isNumeric(value)) {
            throw new LogLineException("Timestamp \"" + value + "\" is not a number of epoch "
                    + (seconds ? "seconds" : "milliseconds"));
        }
        try {
            int dot = value.indexOf('.');
            String whole = dot < 0 ? value : value.substring(0, dot);
            long integral = Long.parseLong(whole.isEmpty() || whole.equals("-") ? whole + "0" : whole);
            long nanos = 0;
            if (dot >= 0) {
                String fraction = (value.substring(dot + 1) + "000000000").substring(0, 9);
                nanos = Long.parseLong(fraction);
                if (value.startsWith("-")) {
                    nanos = -nanos;
                }
            }
            if (seconds) {
                return Instant.ofEpochSecond(integral, nanos);
            }
            return Instant.ofEpochMilli(integral).plusNanos(nanos / 1_000_000);
        } catch (NumberFormatException | DateTimeException | ArithmeticException e) {
            throw new LogLineException("Timestamp \"" + value + "\" is out of range for epoch "
                    + (seconds ? "seconds" : "milliseconds"), e);
        }
    }

    private static boolean isNumeric(String value) {
        int start = value.startsWith("-") ? 1 : 0;
        boolean digit = false;
        boolean dot = false;
        for (int i = start; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c >= '0' && c <= '9') {
                digit = true;
            } else if (c == '.' && !dot) {
                dot = true;
            } else {
                return false;
            }
        }
        return digit;
    }

    private static double parseNumber(String value) {
        try {
            return Double.parseDouble(value);
        } catch (NumberFormatException e) {
            return Double.NaN;
        }
    }

    private static String collapseSpaces(String value) {
        boolean clean = true;
        for (int i = 0; i < value.length() && clean; i++) {
            char c = value.charAt(i);
            clean = !Character.isWhitespace(c) || (c == ' ' && (i == 0 || value.charAt(i - 1) != ' '));
        }
        if (clean) {
            return value;
        }
        StringBuilder out = new StringBuilder(value.length());
        boolean space = false;
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (Character.isWhitespace(c)) {
                if (!space) {
                    out.append(' ');
                }
                space = true;
            } else {
                out.append(c);
                space = false;
            }
        }
        return out.toString();
    }

    /** The pattern letters outside quoted literals. */
    private static String patternLetters(String pattern) {
        StringBuilder letters = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < pattern.length(); i++) {
            char c = pattern.charAt(i);
            if (c == '\'') {
                quoted = !quoted;
            } else if (!quoted && ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'))) {
                letters.append(c);
            }
        }
        return letters.toString();
    }

    private static boolean containsAny(String letters, String any) {
        for (int i = 0; i < any.length(); i++) {
            if (letters.indexOf(any.charAt(i)) >= 0) {
                return true;
            }
        }
        return false;
    }

    @Override
    public String toString() {
        return "TimestampFormat[" + describe() + (zone == null ? "" : ", zone " + zone)
                + (year == null ? "" : ", year " + year) + (date == null ? "" : ", date " + date) + "]";
    }
}
