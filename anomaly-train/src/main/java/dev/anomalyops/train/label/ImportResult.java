package dev.anomalyops.train.label;

import java.util.List;
import java.util.Objects;

/**
 * What one {@link LabelStore#append} did.
 *
 * @param transaction the id of the committed transaction, or empty when nothing was new
 * @param added labels written
 * @param duplicates labels skipped because the store already held the same statement (re-imports)
 * @param conflicts conflicts among the rows this append touched, after it
 */
public record ImportResult(String transaction, int added, int duplicates, List<LabelConflict> conflicts) {
    /** Copies the list. */
    public ImportResult {
        Objects.requireNonNull(transaction, "transaction");
        conflicts = List.copyOf(conflicts);
    }
}
