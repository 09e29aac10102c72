/**
 * The vocabulary shared by every AnomalyOps module: feature schemas, predictions and the exception
 * hierarchy ({@link dev.anomalyops.core.AnomalyOpsException}).
 */
@NullMarked
package dev.anomalyops.core;

import org.jspecify.annotations.NullMarked;
