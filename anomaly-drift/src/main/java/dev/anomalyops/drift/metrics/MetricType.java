package dev.anomalyops.drift.metrics;

/** The kind of a catalogued meter, which decides the series it produces in the Prometheus exposition format. */
public enum MetricType {
    /** A value that goes up and down; one series named as the meter. */
    GAUGE,
    /** A monotonic count; Prometheus appends {@code _total}. */
    COUNTER,
    /** Durations; Prometheus appends {@code _seconds} and exposes {@code _bucket}, {@code _count}, {@code _sum}, {@code _max}. */
    TIMER,
    /** Sizes or durations in a named unit; exposes {@code _bucket}, {@code _count}, {@code _sum}, {@code _max}. */
    DISTRIBUTION_SUMMARY
}
