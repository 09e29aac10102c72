/**
 * Parquet files for metric samples, log events and quarantined rows, read and written with parquet-hadoop over
 * parquet-floor's Hadoop stand-ins (no Hadoop on the class path; the choice and its measurement are in
 * {@code docs/features.md}). Columns are matched by name, so files written before a metric existed still read
 * (the column is all missing), which is the schema-evolution rule. {@link dev.anomalyops.features.parquet.Storage}
 * puts files in a local folder or an S3 bucket.
 */
@NullMarked
package dev.anomalyops.features.parquet;

import org.jspecify.annotations.NullMarked;
