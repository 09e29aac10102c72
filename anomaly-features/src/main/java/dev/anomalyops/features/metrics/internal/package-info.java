/** The compiled form of a feature spec and the arithmetic both executions share. Not API. */
@NullMarked
package dev.anomalyops.features.metrics.internal;

import org.jspecify.annotations.NullMarked;
