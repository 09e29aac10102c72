package dev.anomalyops.train.supervised;

import dev.anomalyops.core.ModelException;

/** Reads the metric values out of XGBoost's evaluation line, {@code [3]\ttrain-logloss:0.12\tvalidation-logloss:0.2}. */
final class EvalLine {
    private EvalLine() {}

    static double[] parse(String line, String[] names) {
        double[] values = new double[names.length];
        String[] fields = line.split("\t");
        for (int i = 0; i < names.length; i++) {
            values[i] = Double.NaN;
            for (String field : fields) {
                if (field.startsWith(names[i] + "-")) {
                    int colon = field.lastIndexOf(':');
                    try {
                        values[i] = Double.parseDouble(field.substring(colon + 1).strip());
                    } catch (NumberFormatException e) {
                        throw new ModelException("Cannot read the metric in XGBoost's evaluation \"" + line + "\"", e);
                    }
                }
            }
        }
        return values;
    }
}
