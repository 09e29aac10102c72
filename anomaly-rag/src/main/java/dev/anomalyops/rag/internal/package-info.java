/**
 * Implementation details of anomaly-rag (vector arithmetic, text analysis, CSV and server-sent-event
 * parsing, caches). No compatibility promise; other modules must not use these classes.
 */
@NullMarked
package dev.anomalyops.rag.internal;

import org.jspecify.annotations.NullMarked;
