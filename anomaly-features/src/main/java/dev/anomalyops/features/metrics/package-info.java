/**
 * Metric features: a declarative {@link dev.anomalyops.features.metrics.FeatureSpec} (windows, lags, rates of
 * change, time features per instance) and its two executions, {@link dev.anomalyops.features.metrics.OnlineFeatures}
 * (per-instance incremental state inside a service) and {@link dev.anomalyops.features.metrics.BatchFeatures}
 * (over a dataset sorted by instance and time), which give bit-for-bit identical rows. The policies for gaps,
 * duplicates, late samples and missing values are documented on {@link dev.anomalyops.features.metrics.FeatureSpec}
 * and in {@code docs/features.md}.
 */
@NullMarked
package dev.anomalyops.features.metrics;

import org.jspecify.annotations.NullMarked;
