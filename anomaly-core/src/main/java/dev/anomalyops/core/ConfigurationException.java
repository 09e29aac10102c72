package dev.anomalyops.core;

import java.util.List;

/** Invalid configuration. The message lists every violation found, not only the first one. */
public class ConfigurationException extends AnomalyOpsException {
    private static final long serialVersionUID = 1L;
    private final List<String> violations;

    /** @param violation the single problem found */
    public ConfigurationException(String violation) {
        this(List.of(violation));
    }

    /** @param violations every problem found, one sentence each; must not be empty */
    public ConfigurationException(List<String> violations) {
        super(format(violations));
        this.violations = List.copyOf(violations);
    }

    /**
     * @param violation the single problem found
     * @param cause the underlying failure
     */
    public ConfigurationException(String violation, Throwable cause) {
        super(violation, cause);
        this.violations = List.of(violation);
    }

    /** @return every violation, in the order they were found */
    public List<String> violations() {
        return violations;
    }

    private static String format(List<String> violations) {
        if (violations.isEmpty()) {
            throw new IllegalArgumentException("violations must not be empty");
        }
        if (violations.size() == 1) {
            return violations.get(0);
        }
        return "Invalid configuration (" + violations.size() + " problems): " + String.join("; ", violations);
    }
}
