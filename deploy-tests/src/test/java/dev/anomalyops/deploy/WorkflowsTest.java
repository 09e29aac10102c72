package dev.anomalyops.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.anomalyops.drift.trigger.GitHubActionsRetrainTrigger;
import dev.anomalyops.drift.trigger.RetrainRequest;
import dev.anomalyops.drift.trigger.TriggerRules;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The GitHub Actions workflows load as YAML with the structure GitHub requires (jobs with runs-on and steps,
 * each step either uses or run, actions pinned to a version) and the triggers the issue asks for; retrain.yml's
 * workflow_dispatch inputs are exactly what anomaly-drift's {@link GitHubActionsRetrainTrigger} sends (captured
 * from a real dispatch to a local endpoint), and its cron equals the CronJob's and {@link TriggerRules}' schedule.
 */
class WorkflowsTest {
    private static final Pattern USES = Pattern.compile("[\\w.-]+/[\\w./-]+@v\\d+(\\.\\d+)*|\\./.+|docker://.+");
    private static final Set<String> JOB_KEYS = Set.of("name", "runs-on", "needs", "if", "permissions",
            "environment", "concurrency", "outputs", "env", "defaults", "steps", "timeout-minutes", "strategy",
            "continue-on-error", "container", "services");
    private static final Set<String> STEP_KEYS = Set.of("id", "if", "name", "uses", "run", "shell", "with", "env",
            "continue-on-error", "timeout-minutes", "working-directory");

    static JsonNode workflow(String name) {
        Path file = Repo.root().resolve(".github/workflows/" + name);
        assertThat(file).isRegularFile();
        return Repo.read(file);
    }

    @Test
    void everyWorkflowHasValidJobsAndSteps() throws IOException {
        List<String> problems = new ArrayList<>();
        try (Stream<Path> files = Files.list(Repo.root().resolve(".github/workflows"))) {
            for (Path file : files.sorted().toList()) {
                JsonNode w = Repo.read(file);
                String name = file.getFileName().toString();
                if (!w.has("on")) {
                    problems.add(name + ": no \"on\" triggers");
                }
                if (!w.path("jobs").isObject() || w.path("jobs").isEmpty()) {
                    problems.add(name + ": no jobs");
                }
                for (Iterator<Map.Entry<String, JsonNode>> jobs = w.path("jobs").fields(); jobs.hasNext();) {
                    Map.Entry<String, JsonNode> job = jobs.next();
                    String where = name + " job \"" + job.getKey() + "\"";
                    job.getValue().fieldNames().forEachRemaining(k -> {
                        if (!JOB_KEYS.contains(k)) {
                            problems.add(where + ": unknown key \"" + k + "\"");
                        }
                    });
                    if (!job.getValue().has("runs-on")) {
                        problems.add(where + ": no runs-on");
                    }
                    for (JsonNode need : job.getValue().path("needs").isArray() ? job.getValue().path("needs")
                            : List.of(job.getValue().path("needs"))) {
                        if (!need.isMissingNode() && !w.path("jobs").has(need.asText())) {
                            problems.add(where + ": needs unknown job \"" + need.asText() + "\"");
                        }
                    }
                    int i = 0;
                    for (JsonNode step : job.getValue().path("steps")) {
                        String at = where + " step " + i++;
                        step.fieldNames().forEachRemaining(k -> {
                            if (!STEP_KEYS.contains(k)) {
                                problems.add(at + ": unknown key \"" + k + "\"");
                            }
                        });
                        if (step.has("uses") == step.has("run")) {
                            problems.add(at + ": needs exactly one of uses and run");
                        }
                        if (step.has("uses") && !USES.matcher(step.path("uses").asText()).matches()) {
                            problems.add(at + ": action \"" + step.path("uses").asText() + "\" is not pinned");
                        }
                    }
                }
            }
        }
        assertThat(problems).isEmpty();
    }

    @Test
    void ciBuildsRunsEveryTestRunsJmhAndPublishesReports() {
        JsonNode ci = workflow("ci.yml");
        assertThat(ci.path("on").has("push")).isTrue();
        assertThat(ci.path("on").has("pull_request")).isTrue();
        String runs = allRuns(ci);
        assertThat(runs).contains("./mvnw -B verify").contains("org.openjdk.jmh.Main");
        assertThat(allUses(ci)).anyMatch(u -> u.startsWith("actions/upload-artifact@"));
        assertThat(ci.toString()).contains("surefire-reports");
        // The same command as .ci/run, so CI here and on GitHub test the same thing.
        assertThat(read(".ci/run")).contains("./mvnw -B verify");
    }

    @Test
    void retrainRunsSundayAtTwoUtcOnDispatchAndOnRepositoryDispatch() {
        JsonNode retrain = workflow("retrain.yml");
        JsonNode on = retrain.path("on");
        String cron = on.path("schedule").get(0).path("cron").asText();
        assertThat(cron).isEqualTo("0 2 * * 0");
        assertThat(on.path("repository_dispatch").path("types").toString()).contains("retrain");
        assertThat(on.has("workflow_dispatch")).isTrue();

        // The same schedule as anomaly-drift's ScheduledRetrain rule and the retrain CronJob.
        assertThat(TriggerRules.WEEKLY_RETRAIN.day()).isEqualTo(DayOfWeek.SUNDAY);
        assertThat(cron).isEqualTo(cronOf(TriggerRules.WEEKLY_RETRAIN.day(), TriggerRules.WEEKLY_RETRAIN.time()));
        assertThat(TriggerRules.WEEKLY_RETRAIN.zone().normalized()).isEqualTo(ZoneOffset.UTC);
        JsonNode cronJob = Repo.require(Kustomize.render("overlays/production"), "CronJob", "anomalyops-retrain");
        assertThat(cronJob.path("spec").path("schedule").asText()).isEqualTo(cron);
        assertThat(cronJob.path("spec").path("timeZone").asText()).isIn("Etc/UTC", "UTC");
    }

    @Test
    void retrainDeclaresExactlyTheInputsTheAlertWebhookSends() throws Exception {
        AtomicReference<JsonNode> sent = new AtomicReference<>();
        HttpServer github = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        github.createContext("/", exchange -> {
            sent.set(new ObjectMapper().readTree(exchange.getRequestBody()));
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        github.start();
        try {
            GitHubActionsRetrainTrigger trigger = GitHubActionsRetrainTrigger.builder()
                    .apiUrl(URI.create("http://127.0.0.1:" + github.getAddress().getPort()))
                    .repository("anomalyops", "anomalyops").workflow("retrain.yml").ref("main")
                    .token(() -> "test-token").build();
            trigger.trigger(new RetrainRequest("anomaly-detector", "3", "ModelDataDrift", Map.of(),
                    Instant.parse("2026-11-29T02:00:00Z"), "group-key"));
        } finally {
            github.stop(0);
        }
        assertThat(sent.get()).as("the dispatch reached the local endpoint").isNotNull();
        Set<String> sentInputs = new TreeSet<>();
        sent.get().path("inputs").fieldNames().forEachRemaining(sentInputs::add);

        JsonNode declared = workflow("retrain.yml").path("on").path("workflow_dispatch").path("inputs");
        Set<String> declaredInputs = new TreeSet<>();
        declared.fieldNames().forEachRemaining(declaredInputs::add);
        // GitHub answers 422 to an input the workflow does not declare, and to a missing required one.
        assertThat(declaredInputs).isEqualTo(sentInputs);
        declared.fields().forEachRemaining(e -> assertThat(e.getValue().path("type").asText())
                .as("input " + e.getKey()).isEqualTo("string"));
        // The workflow reads each input it declares.
        String text = read(".github/workflows/retrain.yml");
        for (String input : declaredInputs) {
            if (!"version".equals(input)) {
                assertThat(text).contains("github.event.inputs." + input);
            }
        }
    }

    @Test
    void releasePublishesOnTagsAndRollsTheCanaryOutInFourGatedStages() {
        JsonNode release = workflow("release.yml");
        assertThat(release.path("on").path("push").path("tags").toString()).contains("v");
        assertThat(release.path("on").has("schedule")).isFalse();
        String runs = allRuns(release);
        assertThat(runs).contains("./mvnw -B deploy").contains("jib:build");
        Matcher stages = Pattern.compile("for weight in ([0-9 ]+); do").matcher(runs);
        assertThat(stages.find()).isTrue();
        assertThat(stages.group(1).trim()).isEqualTo("10 30 50 100");
        assertThat(runs).contains("canary-weight=0");   // a failed gate sends traffic back
        assertThat(release.path("jobs").path("production-canary").path("needs").toString()).contains("staging");
        // The Argo Rollouts alternative has the same stages.
        List<Integer> weights = new ArrayList<>();
        JsonNode rollout = Repo.require(Kustomize.render("overlays/production-rollouts"), "Rollout", "anomalyops");
        for (JsonNode step : rollout.path("spec").path("strategy").path("canary").path("steps")) {
            if (step.has("setWeight")) {
                weights.add(step.path("setWeight").asInt());
            }
        }
        assertThat(weights).containsExactly(10, 30, 50, 100);
    }

    @Test
    void everyRunScriptPassesShellcheck(@org.junit.jupiter.api.io.TempDir Path temp) throws Exception {
        // What actionlint does for run: blocks, with Debian's shellcheck: ${{ }} expressions become a placeholder.
        List<String> problems = new ArrayList<>();
        int n = 0;
        for (String name : List.of("ci.yml", "retrain.yml", "release.yml")) {
            for (Iterator<Map.Entry<String, JsonNode>> jobs = workflow(name).path("jobs").fields(); jobs.hasNext();) {
                Map.Entry<String, JsonNode> job = jobs.next();
                for (JsonNode step : job.getValue().path("steps")) {
                    if (!step.has("run")) {
                        continue;
                    }
                    Path script = temp.resolve("step" + n++ + ".sh");
                    Files.writeString(script, "#!/usr/bin/env bash\nset -eo pipefail\n"
                            + step.path("run").asText().replaceAll("\\$\\{\\{[^}]*}}", "GH_EXPR"));
                    Process p = new ProcessBuilder("shellcheck", "--shell=bash", "--severity=warning",
                            script.toString()).redirectErrorStream(true).start();
                    String out = new String(p.getInputStream().readAllBytes());
                    if (p.waitFor() != 0) {
                        problems.add(name + " job " + job.getKey() + " step \"" + step.path("name").asText() + "\": "
                                + out);
                    }
                }
            }
        }
        assertThat(n).isGreaterThan(5);
        assertThat(problems).isEmpty();
    }

    static String cronOf(DayOfWeek day, LocalTime time) {
        return time.getMinute() + " " + time.getHour() + " * * " + (day.getValue() % 7);
    }

    private static String allRuns(JsonNode workflow) {
        StringBuilder text = new StringBuilder();
        workflow.path("jobs").forEach(job -> job.path("steps").forEach(step -> text.append(step.path("run")
                .asText()).append('\n')));
        return text.toString();
    }

    private static List<String> allUses(JsonNode workflow) {
        List<String> uses = new ArrayList<>();
        workflow.path("jobs").forEach(job -> job.path("steps").forEach(step -> {
            if (step.has("uses")) {
                uses.add(step.path("uses").asText());
            }
        }));
        return uses;
    }

    static String read(String relative) {
        try {
            return Files.readString(Repo.root().resolve(relative));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
