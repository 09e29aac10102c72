package dev.anomalyops.drift.trigger;

import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.temporal.TemporalAdjusters;
import java.util.Objects;

/**
 * A weekly retrain time, e.g. Sunday 02:00 UTC.
 *
 * @param day the day of the week
 * @param time the time of day
 * @param zone the time zone the day and time are read in
 */
public record RetrainSchedule(DayOfWeek day, LocalTime time, ZoneId zone) {
    /** Checks the parts. */
    public RetrainSchedule {
        Objects.requireNonNull(day, "day");
        Objects.requireNonNull(time, "time");
        Objects.requireNonNull(zone, "zone");
    }

    /**
     * @param day the day of the week
     * @param time the time of day
     * @param zone the zone
     * @return the schedule
     */
    public static RetrainSchedule weekly(DayOfWeek day, LocalTime time, ZoneId zone) {
        return new RetrainSchedule(day, time, zone);
    }

    /**
     * @param after an instant
     * @return the first scheduled instant strictly after it
     */
    public Instant next(Instant after) {
        ZonedDateTime local = after.atZone(zone);
        ZonedDateTime candidate = local.with(TemporalAdjusters.nextOrSame(day)).with(time);
        if (!candidate.toInstant().isAfter(after)) {
            candidate = local.with(TemporalAdjusters.next(day)).with(time);
        }
        return candidate.toInstant();
    }
}
