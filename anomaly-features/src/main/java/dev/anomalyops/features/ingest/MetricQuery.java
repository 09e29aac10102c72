package dev.anomalyops.features.ingest;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;

/**
 * One CloudWatch metric of one instance, and the column it becomes.
 *
 * @param instance the instance key written to the {@code instance} column (e.g. the EC2 instance id)
 * @param column the metric column, a metric name of the feature spec (e.g. {@code cpu})
 * @param namespace the CloudWatch namespace (e.g. {@code AWS/EC2})
 * @param metricName the CloudWatch metric (e.g. {@code CPUUtilization})
 * @param dimensions the dimensions (e.g. {@code InstanceId -> i-0abc})
 * @param stat the statistic (e.g. {@code Average})
 * @param period the period
 */
public record MetricQuery(String instance, String column, String namespace, String metricName,
        Map<String, String> dimensions, String stat, Duration period) {
    /** Checks and copies. */
    public MetricQuery {
        Objects.requireNonNull(instance, "instance");
        Objects.requireNonNull(column, "column");
        Objects.requireNonNull(namespace, "namespace");
        Objects.requireNonNull(metricName, "metricName");
        dimensions = Map.copyOf(dimensions);
        Objects.requireNonNull(stat, "stat");
        if (period.getSeconds() < 1 || period.toMillis() % 1000 != 0) {
            throw new IllegalArgumentException("Metric period must be a whole number of seconds but was " + period);
        }
    }
}
