/**
 * Implementation of anomaly-drift: numpy-exact quantiles, the sliding pane window and the JSON configuration. Not
 * API: no compatibility promise, and no other module may use it.
 */
@NullMarked
package dev.anomalyops.drift.internal;

import org.jspecify.annotations.NullMarked;
