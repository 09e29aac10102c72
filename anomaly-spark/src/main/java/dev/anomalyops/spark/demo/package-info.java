/**
 * The Spark stage of {@code ./anomalyops demo --spark} ({@link dev.anomalyops.spark.demo.SparkDemoStage}), run in its
 * own JVM on this module's class path. Not API: it follows the demo's workspace layout.
 */
@NullMarked
package dev.anomalyops.spark.demo;

import org.jspecify.annotations.NullMarked;
