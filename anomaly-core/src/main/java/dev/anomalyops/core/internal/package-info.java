/**
 * Implementation helpers of anomaly-core that know none of its types: hashing, the JSON configuration,
 * atomic file writes and inter-process locks. Not API:
 * no compatibility promise, and other modules must not use it (ArchUnit checks this).
 */
@NullMarked
package dev.anomalyops.core.internal;

import org.jspecify.annotations.NullMarked;
