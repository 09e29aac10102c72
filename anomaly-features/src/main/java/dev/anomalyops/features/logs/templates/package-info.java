/**
 * Log template mining: {@link dev.anomalyops.features.logs.templates.TemplateMiner} turns messages into stable
 * template ids online, {@link dev.anomalyops.features.logs.templates.TemplateMatcher} is its frozen,
 * thread-safe snapshot for scoring, and {@link dev.anomalyops.features.logs.templates.Masking} says which
 * variable parts are replaced before matching.
 */
@NullMarked
package dev.anomalyops.features.logs.templates;

import org.jspecify.annotations.NullMarked;
