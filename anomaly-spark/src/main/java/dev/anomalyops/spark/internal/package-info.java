/** Implementation details of anomaly-spark: not API. */
@NullMarked
package dev.anomalyops.spark.internal;

import org.jspecify.annotations.NullMarked;
