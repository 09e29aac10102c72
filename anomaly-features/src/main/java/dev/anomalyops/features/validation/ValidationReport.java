package dev.anomalyops.features.validation;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Map;

/**
 * The outcome of one validation run: row counts ({@code rowsIn = valid + quarantined}, always), violations per rule
 * (a row can break several) and up to a few example reasons per rule.
 *
 * @param rowsIn rows read
 * @param valid rows passed on
 * @param quarantined rows sent to quarantine
 * @param violations rule to number of violations
 * @param examples rule to example reasons
 */
public record ValidationReport(long rowsIn, long valid, long quarantined, Map<Rule, Long> violations,
        Map<Rule, List<String>> examples) {
    /** Checks the row-count invariant and copies the maps. */
    public ValidationReport {
        if (rowsIn != valid + quarantined) {
            throw new IllegalStateException("rows in (" + rowsIn + ") != valid (" + valid + ") + quarantined (" + quarantined + ")");
        }
        violations = Map.copyOf(violations);
        examples = Map.copyOf(examples);
    }

    /** @return the report as a JSON object */
    public String toJson() {
        ObjectMapper json = new ObjectMapper();
        ObjectNode root = json.createObjectNode();
        root.put("rows_in", rowsIn).put("valid", valid).put("quarantined", quarantined);
        ObjectNode rules = root.putObject("violations");
        for (Rule rule : Rule.values()) {
            Long n = violations.get(rule);
            if (n != null) {
                ObjectNode r = rules.putObject(rule.wireName());
                r.put("count", n);
                examples.getOrDefault(rule, List.of()).forEach(r.putArray("examples")::add);
            }
        }
        return root.toString();
    }
}
