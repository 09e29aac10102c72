package dev.anomalyops.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import dev.anomalyops.app.cli.AnomalyOpsCli;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * {@code --help} of every {@code ./bench} runner and every {@code ./anomalyops} command renders without picocli's
 * format warnings: descriptions are format strings, so a bare percent sign ("within 10% of") printed
 * "[picocli WARN] Could not format ..." three times above the usage of {@code ./bench serve}.
 */
class HelpTextTest {
    @Test
    void everyUsageMessageRendersWithoutWarnings() {
        List<String> rendered = new ArrayList<>();
        String warnings = capturingStandardError(() -> {
            usages(Bench.commandLine(), "bench", rendered);
            usages(new CommandLine(new AnomalyOpsCli()), "anomalyops", rendered);
        });
        assertThat(rendered).hasSizeGreaterThan(20);
        assertThat(warnings).isEmpty();
    }

    private static void usages(CommandLine command, String name, List<String> rendered) {
        String usage = command.getUsageMessage();
        assertThat(usage).as(name).contains("Usage:").doesNotContain("%n");
        rendered.add(name);
        for (Map.Entry<String, CommandLine> sub : command.getSubcommands().entrySet()) {
            usages(sub.getValue(), name + " " + sub.getKey(), rendered);
        }
    }

    private static String capturingStandardError(Runnable action) {
        PrintStream original = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            action.run();
        } finally {
            System.setErr(original);
        }
        return captured.toString(StandardCharsets.UTF_8);
    }
}
