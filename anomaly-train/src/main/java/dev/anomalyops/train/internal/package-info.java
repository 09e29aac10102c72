/**
 * Implementation details of anomaly-train (tree storage, CSV parsing, durable files, parallel loops). No
 * compatibility promise; other modules must not use it.
 */
@NullMarked
package dev.anomalyops.train.internal;

import org.jspecify.annotations.NullMarked;
