/**
 * Load drills for the reference server: an open-loop (fixed-rate) and a closed-loop HTTP load generator with
 * per-window latency percentiles, used by the reliability tests and by {@code ./bench soak}.
 */
@NullMarked
package dev.anomalyops.app.load;

import org.jspecify.annotations.NullMarked;
