package dev.anomalyops.train.supervised;

import dev.anomalyops.core.ConfigurationException;
import dev.anomalyops.train.eval.Confusion;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Minimum hold-out figures a model must beat before it is registered: by default those of the reference pipeline,
 * F1 &gt; 0.85 and precision &gt; 0.90. Each gate is strict ({@code >}). A model that fails any gate is not
 * registered or promoted; {@link Result#failures()} says which gate failed and by how much.
 *
 * @param minimums gate name ({@code f1}, {@code precision}, {@code recall}, {@code pr_auc}, {@code roc_auc}) to the
 *     value the model must exceed
 */
public record QualityGates(Map<String, Double> minimums) {
    private static final List<String> KNOWN = List.of("f1", "precision", "recall", "pr_auc", "roc_auc");

    /** Validates the gate names and values. */
    public QualityGates {
        List<String> problems = new ArrayList<>();
        minimums.forEach((name, value) -> {
            if (!KNOWN.contains(name)) {
                problems.add("quality gate \"" + name + "\" is unknown; expected one of " + KNOWN);
            }
            if (value == null || !(value >= 0 && value <= 1)) {
                problems.add("quality gate \"" + name + "\" was " + value + " but it must be in [0, 1]");
            }
        });
        if (!problems.isEmpty()) {
            throw new ConfigurationException(problems);
        }
        minimums = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(minimums));
    }

    /** @return the reference pipeline's gates: F1 &gt; 0.85 and precision &gt; 0.90 */
    public static QualityGates defaults() {
        Map<String, Double> gates = new LinkedHashMap<>();
        gates.put("f1", 0.85);
        gates.put("precision", 0.90);
        return new QualityGates(gates);
    }

    /** @return no gates (everything passes) */
    public static QualityGates none() {
        return new QualityGates(Map.of());
    }

    /**
     * @param text comma-separated {@code name>value} pairs, e.g. {@code f1>0.85,precision>0.9}, or {@code none}
     * @return the gates
     */
    public static QualityGates parse(String text) {
        if (text.isBlank() || text.strip().equalsIgnoreCase("none")) {
            return none();
        }
        Map<String, Double> gates = new LinkedHashMap<>();
        for (String part : text.split(",")) {
            String[] kv = part.strip().split(">=?");
            if (kv.length != 2) {
                throw new ConfigurationException("quality gate \"" + part.strip() + "\" must look like f1>0.85");
            }
            try {
                gates.put(kv[0].strip(), Double.parseDouble(kv[1].strip()));
            } catch (NumberFormatException e) {
                throw new ConfigurationException("quality gate \"" + part.strip() + "\" must look like f1>0.85");
            }
        }
        return new QualityGates(gates);
    }

    /**
     * One failed gate.
     *
     * @param gate the gate's name
     * @param required the value to exceed
     * @param actual the model's value
     */
    public record Failure(String gate, double required, double actual) {
        /** @return how far below the gate the model is ({@code required - actual}, &gt;= 0) */
        public double shortfall() {
            return required - actual;
        }

        @Override
        public String toString() {
            return String.format(Locale.ROOT, "%s %.4f is not above %.4f (short by %.4f)", gate, actual, required,
                    shortfall());
        }
    }

    /**
     * @param figures the model's hold-out figures
     * @param failures the gates it failed (empty when it passed)
     */
    public record Result(Map<String, Double> figures, List<Failure> failures) {
        /** Copies. */
        public Result {
            figures = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(figures));
            failures = List.copyOf(failures);
        }

        /** @return whether every gate passed */
        public boolean passed() {
            return failures.isEmpty();
        }
    }

    /**
     * @param confusion the model's hold-out confusion at its threshold
     * @param prAuc its hold-out PR-AUC
     * @param rocAuc its hold-out ROC-AUC
     * @return which gates pass
     */
    public Result check(Confusion confusion, double prAuc, double rocAuc) {
        Map<String, Double> figures = new LinkedHashMap<>();
        figures.put("f1", confusion.f1());
        figures.put("precision", confusion.precision());
        figures.put("recall", confusion.recall());
        figures.put("pr_auc", prAuc);
        figures.put("roc_auc", rocAuc);
        List<Failure> failures = new ArrayList<>();
        minimums.forEach((gate, required) -> {
            double actual = figures.get(gate);
            if (!(actual > required)) {
                failures.add(new Failure(gate, required, actual));
            }
        });
        return new Result(figures, failures);
    }
}
