package dev.anomalyops.features.logs;

/**
 * What a {@link LogReader} did with its input. Every line is accounted for:
 * {@code lines == records + continuationLines + rejected}, where each record counts its first line.
 *
 * @param lines physical lines read
 * @param records records emitted
 * @param continuationLines lines joined to a previous record (stack traces)
 * @param rejected lines sent to the quarantine
 */
public record ReadSummary(long lines, long records, long continuationLines, long rejected) {

    /** Validates the counts. */
    public ReadSummary {
        if (lines < 0 || records < 0 || continuationLines < 0 || rejected < 0) {
            throw new IllegalArgumentException("Counts must be >= 0");
        }
        if (lines != records + continuationLines + rejected) {
            throw new IllegalArgumentException("lines (" + lines + ") must equal records (" + records
                    + ") + continuation lines (" + continuationLines + ") + rejected (" + rejected + ")");
        }
    }
}
