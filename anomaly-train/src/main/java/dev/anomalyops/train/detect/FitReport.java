package dev.anomalyops.train.detect;

import java.util.List;
import java.util.Objects;

/**
 * What a fit saw: rows read, rows used, and the rows left out with the reason (the first few, plus the count).
 *
 * @param rowsRead rows read from the source
 * @param rowsUsed rows with only finite values, the ones the detector learned from
 * @param quarantined rows left out of the fit
 * @param quarantineSamples the first left-out rows as {@code "row <index>: <reason>"}, at most 20
 * @param seconds wall-clock fit time
 */
public record FitReport(long rowsRead, long rowsUsed, long quarantined, List<String> quarantineSamples, double seconds) {
    /** Copies the samples. */
    public FitReport {
        quarantineSamples = List.copyOf(Objects.requireNonNull(quarantineSamples, "quarantineSamples"));
    }
}
