/**
 * Log parsing: text formats ({@link dev.anomalyops.features.logs.LogFormat}, Loghub-style format strings, and
 * the presets in {@link dev.anomalyops.features.logs.LogFormats}), JSON lines and CloudWatch events
 * ({@link dev.anomalyops.features.logs.JsonLogFormat}), timestamps with explicit zones
 * ({@link dev.anomalyops.features.logs.TimestampFormat}), and {@link dev.anomalyops.features.logs.LogReader},
 * which joins stack traces and quarantines what it cannot parse. Template mining is in
 * {@code dev.anomalyops.features.logs.templates}, window features in {@code dev.anomalyops.features.logs.windows}.
 */
@NullMarked
package dev.anomalyops.features.logs;

import org.jspecify.annotations.NullMarked;
