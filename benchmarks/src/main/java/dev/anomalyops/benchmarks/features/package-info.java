/** Benchmarks of the metric features (anomaly-features): the online path in JMH and the workload of ./bench features. */
package dev.anomalyops.benchmarks.features;
