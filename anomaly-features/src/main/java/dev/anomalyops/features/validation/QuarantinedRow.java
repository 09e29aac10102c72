package dev.anomalyops.features.validation;

import java.util.List;
import java.util.Objects;

/**
 * A row that failed validation, as it was read (cells as text, so unreadable values are kept), with the reasons.
 *
 * @param source the file or dataset it came from
 * @param rowNumber its 0-based position there
 * @param instance the instance cell ("" when absent)
 * @param timestamp the timestamp cell as read
 * @param values the metric cells in spec order ("" when absent)
 * @param rules the rules it broke
 * @param reasons one sentence per violation
 */
public record QuarantinedRow(String source, long rowNumber, String instance, String timestamp, List<String> values,
        List<Rule> rules, List<String> reasons) {
    /** Copies the lists. */
    public QuarantinedRow {
        Objects.requireNonNull(source, "source");
        values = List.copyOf(values);
        rules = List.copyOf(rules);
        reasons = List.copyOf(reasons);
    }

    /** @return the reasons joined with "; ", as in the quarantine's reason column */
    public String reason() {
        return String.join("; ", reasons);
    }
}
