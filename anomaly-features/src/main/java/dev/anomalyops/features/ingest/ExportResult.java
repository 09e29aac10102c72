package dev.anomalyops.features.ingest;

import java.util.List;

/**
 * What one export run did.
 *
 * @param files the keys written (one per partition; re-running writes the same keys)
 * @param rows rows written
 * @param requests API calls made (pages), retries included
 * @param retries calls retried after throttling or a transient error
 * @param skippedHours hours skipped because a checkpoint said they were complete
 */
public record ExportResult(List<String> files, long rows, long requests, long retries, long skippedHours) {
    /** Copies the list. */
    public ExportResult {
        files = List.copyOf(files);
    }
}
