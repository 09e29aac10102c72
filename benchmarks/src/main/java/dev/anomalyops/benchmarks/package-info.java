/**
 * Benchmarks: JMH benchmarks and the runners behind {@code ./bench}. Each runner prints progress on
 * stderr and, as the last line on stdout, one JSON object with its figures.
 */
package dev.anomalyops.benchmarks;
