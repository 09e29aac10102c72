/**
 * The metric names of the AnomalyOps platform and helpers that register them consistently:
 * {@link dev.anomalyops.drift.metrics.MetricsCatalogue} lists every meter (name, type, unit, labels, help text) that
 * the reference app exposes on {@code /metrics}, the Prometheus rules alert on and the Grafana dashboards query;
 * {@link dev.anomalyops.drift.metrics.ServingMetrics} records the serving path's meters.
 */
@NullMarked
package dev.anomalyops.drift.metrics;

import org.jspecify.annotations.NullMarked;
