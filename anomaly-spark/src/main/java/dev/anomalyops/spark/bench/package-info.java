/**
 * The scale-out measurement behind {@code ./bench spark} ({@link dev.anomalyops.spark.bench.ScaleOutBenchmark}), run
 * in its own JVM on this module's class path. Not API: it may change with the benchmark.
 */
@NullMarked
package dev.anomalyops.spark.bench;

import org.jspecify.annotations.NullMarked;
