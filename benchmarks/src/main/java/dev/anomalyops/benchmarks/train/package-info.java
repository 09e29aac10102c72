/** JMH benchmarks of anomaly-train: Isolation Forest fitting and scoring. */
package dev.anomalyops.benchmarks.train;
