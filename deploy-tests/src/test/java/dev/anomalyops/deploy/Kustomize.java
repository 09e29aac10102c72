package dev.anomalyops.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Renders kustomizations with the real Kustomize: the one built into {@code kubectl} ({@code kubectl kustomize},
 * Kustomize v5 since kubectl 1.27), which is what {@code kubectl apply -k} and Argo CD's bundled kustomize run.
 * No re-implementation: if kubectl is missing or too old the tests fail and say so. The kubectl on this
 * project's machines comes with the machine image (v1.32, Kustomize v5.5); {@code .ci/run} checks it.
 */
final class Kustomize {
    /** Kustomization folders under deploy/ that render on their own (components only render inside overlays). */
    static final List<String> TARGETS = List.of("base", "overlays/staging", "overlays/production",
            "overlays/production-gpu", "overlays/production-rollouts", "argocd", "monitoring");
    private static final Pattern KUSTOMIZE_VERSION = Pattern.compile("Kustomize Version: v(\\d+)\\.(\\d+)");
    private static final Map<String, List<JsonNode>> RENDERED = new ConcurrentHashMap<>();

    private Kustomize() {}

    /** @return kubectl's own version report, after checking that it has Kustomize v5 or later */
    static String requireKubectl() {
        String version = run(List.of("kubectl", "version", "--client"), Repo.root());
        Matcher m = KUSTOMIZE_VERSION.matcher(version);
        assertThat(m.find()).as("kubectl reports its Kustomize version: " + version).isTrue();
        assertThat(Integer.parseInt(m.group(1))).as("Kustomize major version in " + version).isGreaterThanOrEqualTo(5);
        return version;
    }

    /**
     * @param target a folder under deploy/ with a kustomization.yaml
     * @return the objects {@code kubectl kustomize} renders for it (cached per test run)
     */
    static List<JsonNode> render(String target) {
        return RENDERED.computeIfAbsent(target, t -> {
            requireKubectl();
            Path dir = Repo.deploy().resolve(t);
            return List.copyOf(Repo.documents(run(List.of("kubectl", "kustomize", dir.toString()), Repo.root())));
        });
    }

    private static String run(List<String> command, Path dir) {
        try {
            Path out = Files.createTempFile("kubectl", ".out");
            try {
                Process process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                        .redirectOutput(out.toFile()).start();
                if (!process.waitFor(120, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                    throw new AssertionError(String.join(" ", command) + " did not finish within 120 s");
                }
                String text = Files.readString(out, StandardCharsets.UTF_8);
                if (process.exitValue() != 0) {
                    throw new AssertionError(String.join(" ", command) + " failed (exit " + process.exitValue()
                            + "): " + text);
                }
                return text;
            } finally {
                Files.deleteIfExists(out);
            }
        } catch (IOException e) {
            throw new AssertionError("Cannot run \"" + command.get(0) + "\" (kubectl with Kustomize v5 is needed"
                    + " to render deploy/; it comes with the machine image, see .ci/run): " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UncheckedIOException(new IOException(e));
        }
    }
}
