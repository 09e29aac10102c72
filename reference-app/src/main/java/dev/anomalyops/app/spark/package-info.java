/**
 * Running anomaly-spark's jobs in Spark local mode from this checkout, in a child JVM that has Spark on its class
 * path ({@link dev.anomalyops.app.spark.SparkProcess}); used by {@code ./anomalyops demo --spark} and
 * {@code ./bench spark}.
 */
@NullMarked
package dev.anomalyops.app.spark;

import org.jspecify.annotations.NullMarked;
