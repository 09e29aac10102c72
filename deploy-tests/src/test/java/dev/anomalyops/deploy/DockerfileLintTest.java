package dev.anomalyops.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.anomalyops.app.ServingEndpoints;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Lints the Dockerfiles. There is no Docker engine here and hadolint is not served by our registries, so the
 * hadolint rules that matter for these images are checked here (rule ids in the messages), plus what is specific
 * to ours: non-root user, container JVM flags, health check on the server's readiness path and port, build
 * stages that reuse the Maven build, sources that exist, stage targets that the workflows name. The shell scripts
 * the images run go through Debian's shellcheck. The images themselves are reproducible from Maven with Jib
 * (reference-app profile "image"), which needs no daemon.
 */
class DockerfileLintTest {
    static final List<String> FILES = List.of("inference.Dockerfile", "training.Dockerfile");
    private static final Pattern COPY_FROM = Pattern.compile("--from=(\\S+)");
    private static final Pattern JSON_FORM = Pattern.compile("\\[\\s*\"[^\"]*\"(\\s*,\\s*\"[^\"]*\")*\\s*]");
    private static final Set<String> STAGE_ONLY = Set.of("build", "jre");

    @ParameterizedTest
    @ValueSource(strings = {"inference.Dockerfile", "training.Dockerfile"})
    void followsTheLintRules(String name) {
        Dockerfiles docker = Dockerfiles.parse(Repo.deploy().resolve("docker").resolve(name));
        List<String> problems = lint(docker);
        assertThat(problems).as(name).isEmpty();
    }

    @Test
    void theLinterCatchesWhatItChecks() throws IOException {
        Path bad = Files.createTempFile("bad", ".Dockerfile");
        try {
            Files.writeString(bad, """
                    FROM maven AS build
                    ADD app.jar /app/
                    FROM eclipse-temurin:latest AS runtime
                    WORKDIR app
                    COPY --from=bulid /out /app
                    MAINTAINER someone
                    ENTRYPOINT java -jar /app/app.jar
                    """);
            List<String> problems = lint(Dockerfiles.parse(bad));
            assertThat(String.join("\n", problems)).contains("DL3006").contains("DL3007").contains("DL3020")
                    .contains("DL3000").contains("DL3022").contains("DL4000").contains("DL3025").contains("DL3002")
                    .contains("HEALTHCHECK").contains("MaxRAMPercentage");
        } finally {
            Files.deleteIfExists(bad);
        }
    }

    @Test
    void theInferenceImageServesWhatTheManifestsProbe() {
        Dockerfiles docker = Dockerfiles.parse(Repo.deploy().resolve("docker/inference.Dockerfile"));
        for (String stage : List.of("runtime-cpu", "runtime-gpu")) {
            Dockerfiles.Stage s = docker.stage(stage);
            assertThat(s).as(stage).isNotNull();
            assertThat(s.all("EXPOSE")).singleElement().extracting(Dockerfiles.Instruction::arguments)
                    .isEqualTo(String.valueOf(ServingEndpoints.PORT));
            String health = s.all("HEALTHCHECK").get(0).arguments();
            assertThat(health).contains(ServingEndpoints.READY_PATH).contains("/" + ServingEndpoints.PORT);
            assertThat(s.all("CMD").get(0).arguments()).contains("--port=" + ServingEndpoints.PORT);
        }
        // The release workflow and the GPU component name targets that exist.
        assertThat(WorkflowsTest.read(".github/workflows/release.yml")).contains("target: runtime-gpu");
        assertThat(docker.stage("runtime-gpu").image()).startsWith("nvidia/cuda:").contains("cudnn");
    }

    @Test
    void theEntryPointsMainClassExists() throws Exception {
        for (String name : FILES) {
            Dockerfiles docker = Dockerfiles.parse(Repo.deploy().resolve("docker").resolve(name));
            for (Dockerfiles.Stage stage : docker.stages()) {
                for (Dockerfiles.Instruction entry : stage.all("ENTRYPOINT")) {
                    Matcher m = Pattern.compile("dev\\.anomalyops\\.[\\w.]+").matcher(entry.arguments());
                    if (m.find()) {
                        assertThat(Class.forName(m.group())).isNotNull();
                    }
                }
            }
        }
        assertThat(Files.readString(Repo.deploy().resolve("docker/anomalyops.sh")))
                .contains("dev.anomalyops.app.cli.AnomalyOpsCli");
    }

    @Test
    void theImageScriptsPassShellcheck() throws Exception {
        List<String> command = new ArrayList<>(List.of("shellcheck", "--severity=style", "--shell=bash"));
        command.add(Repo.deploy().resolve("docker/retrain.sh").toString());
        command.add(Repo.deploy().resolve("docker/anomalyops.sh").toString());
        Process process;
        try {
            process = new ProcessBuilder(command).redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new AssertionError("shellcheck is needed (Debian package shellcheck; .ci/run installs it)", e);
        }
        String output = new String(process.getInputStream().readAllBytes());
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as(output).isZero();
    }

    static List<String> lint(Dockerfiles docker) {
        List<String> problems = new ArrayList<>();
        String file = docker.file().getFileName().toString();
        List<String> stageNames = docker.stages().stream().map(Dockerfiles.Stage::name).toList();
        boolean mavenBuild = false;
        for (Dockerfiles.Stage stage : docker.stages()) {
            String image = stage.image();
            boolean fromStage = stageNames.contains(image);
            if (!fromStage && !image.equals("scratch")) {
                String last = image.substring(image.lastIndexOf('/') + 1);
                if (!last.contains(":") && !image.contains("@sha256:")) {
                    problems.add(file + ": DL3006 FROM " + image + " has no tag");
                } else if (last.endsWith(":latest")) {
                    problems.add(file + ": DL3007 FROM " + image + " uses the latest tag");
                }
            }
            String user = null;
            for (Dockerfiles.Instruction i : stage.instructions()) {
                String at = file + ":" + i.line() + ": ";
                switch (i.keyword()) {
                    case "ADD" -> problems.add(at + "DL3020 use COPY instead of ADD for files");
                    case "MAINTAINER" -> problems.add(at + "DL4000 MAINTAINER is deprecated");
                    case "WORKDIR" -> {
                        if (!i.arguments().startsWith("/") && !i.arguments().startsWith("$")) {
                            problems.add(at + "DL3000 WORKDIR must be absolute");
                        }
                    }
                    case "ENTRYPOINT", "CMD" -> {
                        if (!JSON_FORM.matcher(i.arguments()).matches()) {
                            problems.add(at + "DL3025 " + i.keyword() + " must use the JSON (exec) form");
                        }
                    }
                    case "USER" -> user = i.arguments();
                    case "RUN" -> mavenBuild |= i.arguments().contains("./mvnw");
                    case "COPY" -> {
                        Matcher from = COPY_FROM.matcher(i.arguments());
                        if (from.find()) {
                            String source = from.group(1);
                            if (!stageNames.contains(source) && !source.contains(":")) {
                                problems.add(at + "DL3022 COPY --from=" + source + " names no earlier stage");
                            }
                        } else {
                            String[] parts = i.arguments().replaceAll("--\\S+", "").strip().split("\\s+");
                            for (int p = 0; p < parts.length - 1; p++) {
                                if (!parts[p].equals(".") && !Files.exists(Repo.root().resolve(parts[p]))) {
                                    problems.add(at + "COPY source " + parts[p] + " is not in the repository");
                                }
                            }
                        }
                    }
                    default -> { }
                }
            }
            boolean finalStage = stage.name() == null || !STAGE_ONLY.contains(stage.name());
            if (finalStage) {
                if (user == null || user.startsWith("root") || user.startsWith("0:") || user.equals("0")) {
                    problems.add(file + ": DL3002 stage " + stage.name() + " must end with a non-root USER");
                }
                if (stage.all("HEALTHCHECK").isEmpty()) {
                    problems.add(file + ": stage " + stage.name() + " has no HEALTHCHECK (say HEALTHCHECK NONE"
                            + " for a batch job)");
                }
                boolean jvmFlags = stage.all("ENV").stream().anyMatch(e -> e.arguments().contains("JAVA_TOOL_OPTIONS")
                        && e.arguments().contains("MaxRAMPercentage") && e.arguments().contains("ExitOnOutOfMemoryError"));
                if (!jvmFlags) {
                    problems.add(file + ": stage " + stage.name() + " sets no container JVM flags (JAVA_TOOL_OPTIONS"
                            + " with -XX:MaxRAMPercentage and -XX:+ExitOnOutOfMemoryError)");
                }
            }
        }
        if (!mavenBuild && docker.stage("build") != null) {
            problems.add(file + ": the build stage does not run the Maven build (./mvnw)");
        }
        return problems;
    }
}
