/** Load runners for the reference inference server ({@code ./bench serve}). */
package dev.anomalyops.benchmarks.serving;
