package dev.anomalyops.core.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import net.jqwik.api.lifecycle.AroundPropertyHook;
import net.jqwik.api.lifecycle.PropagationMode;
import net.jqwik.api.lifecycle.PropertyExecutionResult;
import net.jqwik.api.lifecycle.PropertyExecutor;
import net.jqwik.api.lifecycle.PropertyLifecycleContext;

/**
 * Scales the tries of the fuzz properties it is attached to ({@code @AddLifecycleHook(FuzzBudget.class)}): the
 * {@code @Property(tries = N)} of each is what CI runs, and {@code -Danomalyops.fuzz.scale=K} multiplies it for a
 * long run, e.g. {@code ./mvnw -B -pl anomaly-triton-client -am verify -Dtest='*Fuzz*'
 * -Dsurefire.failIfNoSpecifiedTests=false -Danomalyops.fuzz.scale=100}.
 *
 * <p>Every property it ran appends one line to {@code target/fuzz-tries.tsv} (property, tries, checks,
 * milliseconds, status), which is where docs/fuzzing.md takes its "inputs tried" figures from.
 */
public final class FuzzBudget implements AroundPropertyHook {
    /** The system property multiplying each fuzz property's tries (default 1). */
    public static final String SCALE = "anomalyops.fuzz.scale";

    /** @return the multiplier given by {@value #SCALE}, at least a tiny positive number */
    public static double scale() {
        String value = System.getProperty(SCALE, "1").trim();
        try {
            double scale = Double.parseDouble(value);
            return scale > 0 ? scale : 1;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("System property \"" + SCALE + "\" must be a positive number but was \""
                    + value + "\"", e);
        }
    }

    @Override
    public PropertyExecutionResult aroundProperty(PropertyLifecycleContext context, PropertyExecutor property) {
        int base = context.attributes().tries().filter(t -> t > 0).orElse(1000);
        long tries = Math.max(1, Math.round(base * scale()));
        context.attributes().setTries((int) Math.min(Integer.MAX_VALUE, tries));
        long start = System.nanoTime();
        PropertyExecutionResult result = property.execute();
        long millis = (System.nanoTime() - start) / 1_000_000;
        String line = context.containerClass().getSimpleName() + "." + context.targetMethod().getName() + "\t"
                + result.countTries() + "\t" + result.countChecks() + "\t" + millis + "\t" + result.status() + "\n";
        try {
            Path report = Path.of("target", "fuzz-tries.tsv");
            Files.createDirectories(report.getParent());
            Files.writeString(report, line, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            // The report is a convenience; the property's result is what counts.
        }
        return result;
    }

    @Override
    public PropagationMode propagateTo() {
        // Registered on a test class, it applies to every property in it.
        return PropagationMode.ALL_DESCENDANTS;
    }

    @Override
    public int aroundPropertyProximity() {
        // Outside jqwik's own hooks, so the tries set here are the ones the generator loop uses.
        return -100;
    }
}
