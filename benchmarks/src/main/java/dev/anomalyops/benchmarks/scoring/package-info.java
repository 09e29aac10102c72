/** Scoring benchmarks: the pure-Java tree scorer against the native engines, single rows and batches. */
package dev.anomalyops.benchmarks.scoring;
