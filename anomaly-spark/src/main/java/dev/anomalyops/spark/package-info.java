/**
 * Scale-out on Apache Spark (3.5, Scala 2.12) when one machine is not enough: {@link dev.anomalyops.spark.SparkFeatures}
 * runs a {@code FeatureSpec} as DataFrame window functions and gives the same values as the Java executions,
 * {@link dev.anomalyops.spark.SparkXgboostTrainer} trains XGBoost with xgboost4j-spark into a model bundle and
 * registers it, and {@link dev.anomalyops.spark.SparkIsolationForest} scores a trained forest over partitions.
 * Spark is a {@code provided} dependency: the cluster brings it. On JDK 17 the JVM needs the {@code --add-opens}
 * flags listed in {@code docs/spark.md}.
 */
@NullMarked
package dev.anomalyops.spark;

import org.jspecify.annotations.NullMarked;
