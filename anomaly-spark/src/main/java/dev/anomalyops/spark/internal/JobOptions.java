package dev.anomalyops.spark.internal;

import dev.anomalyops.core.ConfigurationException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code --name value} options of this module's {@code main} classes (jobs run by {@code spark-submit} or in a
 * child JVM, where a command-line library would be one more jar on the cluster's class path).
 */
public final class JobOptions {
    private JobOptions() {}

    /**
     * @param args the arguments
     * @param known every option name, without {@code --}
     * @param required the names that must be given
     * @return the values by name, in the order given
     * @throws ConfigurationException listing every unknown, valueless or missing option
     */
    public static Map<String, String> parse(String[] args, List<String> known, List<String> required) {
        List<String> problems = new ArrayList<>();
        Map<String, String> options = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            String name = args[i].startsWith("--") ? args[i].substring(2) : "";
            if (!known.contains(name)) {
                problems.add("Unknown option \"" + args[i] + "\" (expected --" + String.join(", --", known) + ")");
            } else if (i + 1 >= args.length) {
                problems.add("Option \"" + args[i] + "\" needs a value");
            } else {
                options.put(name, args[++i]);
            }
        }
        for (String name : required) {
            if (!options.containsKey(name)) {
                problems.add("Option \"--" + name + "\" is required");
            }
        }
        if (!problems.isEmpty()) {
            throw new ConfigurationException(problems);
        }
        return options;
    }
}
