/** JMH benchmarks of anomaly-drift: the drift monitor on the scoring path and the batch drift calculator. */
package dev.anomalyops.benchmarks.drift;
