package dev.anomalyops.drift.ops;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/** Locates the operations files in {@code deploy/monitoring} and the Debian tools that check them. */
final class Monitoring {
    static final YAMLMapper YAML = new YAMLMapper();

    private Monitoring() {}

    /** @return {@code deploy/monitoring} of this checkout */
    static Path dir() {
        String property = System.getProperty("anomalyops.monitoring.dir");
        Path dir = property != null ? Path.of(property) : Path.of("..", "deploy", "monitoring");
        assertThat(dir.resolve("prometheus")).as("deploy/monitoring at " + dir.toAbsolutePath()).isDirectory();
        return dir.toAbsolutePath().normalize();
    }

    static Path rules() {
        return dir().resolve("prometheus/rules/anomalyops-triggers.yml");
    }

    static Path dashboards() {
        return dir().resolve("grafana/dashboards/anomalyops");
    }

    /**
     * @param names candidate executable names (e.g. Debian's {@code prometheus-alertmanager} and upstream's
     *     {@code alertmanager})
     * @return the first found on the PATH or in /usr/bin
     */
    static Optional<Path> tool(String... names) {
        List<Path> dirs = new ArrayList<>();
        for (String entry : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            if (!entry.isEmpty()) {
                dirs.add(Path.of(entry));
            }
        }
        dirs.add(Path.of("/usr/bin"));
        for (String name : names) {
            for (Path dir : dirs) {
                Path candidate = dir.resolve(name);
                if (Files.isExecutable(candidate)) {
                    return Optional.of(candidate);
                }
            }
        }
        return Optional.empty();
    }

    /** @return promtool; the test is skipped, with the reason, when Debian's prometheus package is absent */
    static Path requireTool(String debianPackage, String... names) {
        Optional<Path> tool = tool(names);
        Assumptions.assumeTrue(tool.isPresent(), () -> names[0] + " is not installed (Debian package " + debianPackage
                + "; .ci/run installs it): skipping");
        return tool.orElseThrow();
    }

    /** The result of a finished process. */
    record Result(int exitCode, String output) {}

    static Result run(Path workingDirectory, List<String> command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).directory(workingDirectory.toFile()).redirectErrorStream(true).start();
        byte[] out = process.getInputStream().readAllBytes();
        if (!process.waitFor(120, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError(command + " did not finish in 120 s");
        }
        return new Result(process.exitValue(), new String(out, StandardCharsets.UTF_8));
    }

    /** @return every alerting and recording rule of the rules file, by alert or record name */
    static Map<String, JsonNode> ruleNodes() throws IOException {
        Map<String, JsonNode> rules = new LinkedHashMap<>();
        for (JsonNode group : YAML.readTree(rules().toFile()).get("groups")) {
            for (JsonNode rule : group.get("rules")) {
                rules.put(rule.has("alert") ? rule.get("alert").asText() : rule.get("record").asText(), rule);
            }
        }
        return rules;
    }
}
