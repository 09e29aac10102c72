/**
 * Ingestion: {@link dev.anomalyops.features.ingest.CloudWatchExporter} copies CloudWatch Logs events
 * ({@code FilterLogEvents} or {@code GetLogEvents}) and CloudWatch metrics ({@code GetMetricData}) into Parquet
 * files partitioned by {@code dt=YYYY-MM-DD/hour=HH}, on S3 or in a local folder, with resumable checkpoints and
 * idempotent re-runs.
 */
@NullMarked
package dev.anomalyops.features.ingest;

import org.jspecify.annotations.NullMarked;
