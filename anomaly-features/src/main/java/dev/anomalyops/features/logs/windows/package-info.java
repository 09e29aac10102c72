/**
 * Log features: counts per template and level, unique, new and unseen templates, message rate and time features,
 * per instance and time window or per session, as rows of a core {@link dev.anomalyops.core.FeatureSchema}
 * ({@link dev.anomalyops.features.logs.windows.LogFeatureExtractor}), and the end-to-end
 * {@link dev.anomalyops.features.logs.windows.LogPipeline}.
 */
@NullMarked
package dev.anomalyops.features.logs.windows;

import org.jspecify.annotations.NullMarked;
