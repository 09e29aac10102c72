package dev.anomalyops.train.supervised;

import dev.anomalyops.core.ConfigurationException;
import dev.anomalyops.core.FeatureSchema;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;
import org.jspecify.annotations.Nullable;

/** Monotone constraints by feature name, checked and laid out for the engines. */
final class Monotone {
    private Monotone() {}

    static List<String> problems(Map<String, Integer> constraints) {
        List<String> problems = new ArrayList<>();
        constraints.forEach((name, direction) -> {
            if (direction == null || direction < -1 || direction > 1) {
                problems.add("monotone constraint of \"" + name + "\" was " + direction + " but it must be -1, 0 or 1");
            }
        });
        return problems;
    }

    /**
     * @return the constraint vector in schema order, e.g. {@code (1,0,-1)}, or null when every feature is free
     * @throws ConfigurationException when a constrained feature is not in the schema
     */
    static @Nullable String vector(Map<String, Integer> constraints, FeatureSchema schema, String open, String close) {
        if (constraints.isEmpty()) {
            return null;
        }
        int[] directions = new int[schema.size()];
        List<String> unknown = new ArrayList<>();
        constraints.forEach((name, direction) -> {
            var index = schema.indexOf(name);
            if (index.isEmpty()) {
                unknown.add("monotone constraint names feature \"" + name + "\" but the data has no such feature");
            } else {
                directions[index.getAsInt()] = direction;
            }
        });
        if (!unknown.isEmpty()) {
            throw new ConfigurationException(unknown);
        }
        boolean any = false;
        StringJoiner joiner = new StringJoiner(",", open, close);
        for (int d : directions) {
            joiner.add(Integer.toString(d));
            any |= d != 0;
        }
        return any ? joiner.toString() : null;
    }
}
