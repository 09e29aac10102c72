/**
 * The Server Machine Dataset protocol behind {@code ./bench smd}: loading a machine ({@link
 * dev.anomalyops.benchmarks.smd.SmdMachine}), the fixed split of its test period into a production half and an
 * evaluation half ({@link dev.anomalyops.benchmarks.smd.SmdSplit}), the simulated reviewer that reveals at most
 * the review budget of true labels ({@link dev.anomalyops.benchmarks.smd.SimulatedReviewer}), and the
 * labelling stage ({@link dev.anomalyops.benchmarks.smd.LabellingStage}) whose training set a supervised
 * stage consumes.
 */
package dev.anomalyops.benchmarks.smd;
