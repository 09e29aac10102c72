/**
 * Drift monitoring: a {@link dev.anomalyops.drift.ReferenceProfile} learnt from training data and stored in the
 * model bundle, the statistics that compare production data with it ({@link dev.anomalyops.drift.DriftStatistics}:
 * PSI, KL and Jensen-Shannon divergence), a {@link dev.anomalyops.drift.DriftMonitor} that keeps them over a
 * sliding window of the rows the scorer sees and publishes them as Micrometer gauges, and a
 * {@link dev.anomalyops.drift.FeedbackTracker} for model quality from feedback labels.
 */
@NullMarked
package dev.anomalyops.drift;

import org.jspecify.annotations.NullMarked;
