/**
 * Support for the log runners ({@code ./bench loghub}, {@code ./bench hdfs}) and the log JMH benchmarks: the
 * Loghub evaluation protocol, the HDFS session vectors, XGBoost, metrics, and the semi-supervised step with its
 * stand-in.
 */
package dev.anomalyops.benchmarks.logs;
