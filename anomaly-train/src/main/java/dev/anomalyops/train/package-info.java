/**
 * Training-side building blocks shared by the detectors, the labelling workflow and the trainers:
 * {@link dev.anomalyops.train.RowSource}, rows read in batches, any number of times, without holding them
 * all in memory, and {@link dev.anomalyops.train.CsvRowSource}, a streaming source over CSV files.
 */
@NullMarked
package dev.anomalyops.train;

import org.jspecify.annotations.NullMarked;
