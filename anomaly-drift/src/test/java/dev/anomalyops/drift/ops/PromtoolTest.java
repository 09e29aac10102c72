package dev.anomalyops.drift.ops;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Checks the Prometheus and Alertmanager files with Debian's {@code promtool} and {@code amtool}, and runs the rule
 * unit tests ({@code promtool test rules}). Skipped, with the reason, only when the tools are not installed.
 */
class PromtoolTest {
    @TempDir
    Path tmp;

    @Test
    void rulesPassPromtoolCheck() throws Exception {
        Path promtool = Monitoring.requireTool("prometheus", "promtool");
        Monitoring.Result result = Monitoring.run(Monitoring.dir(), List.of(promtool.toString(), "check", "rules",
                Monitoring.rules().toString()));
        assertThat(result.exitCode()).as(result.output()).isZero();
        assertThat(result.output()).contains("SUCCESS: " + Monitoring.ruleNodes().size() + " rules found");
    }

    @Test
    void ruleUnitTestsPass() throws Exception {
        Path promtool = Monitoring.requireTool("prometheus", "promtool");
        Monitoring.Result result = Monitoring.run(Monitoring.dir().resolve("prometheus/tests"),
                List.of(promtool.toString(), "test", "rules", "anomalyops-triggers.test.yml", "anomalyops-schedule.test.yml"));
        assertThat(result.exitCode()).as(result.output()).isZero();
        assertThat(result.output()).doesNotContain("FAILED");
        assertThat(result.output().split("SUCCESS", -1)).hasSize(3);
    }

    @Test
    void theUnitTestsCatchAWrongForDurationOrThreshold() throws Exception {
        Path promtool = Monitoring.requireTool("prometheus", "promtool");
        String rules = Files.readString(Monitoring.rules());
        String[][] mutations = {
            {"for: 1h", "for: 59m"},                      // drift would fire a minute early
            {"for: 1h", "for: 61m"},                      // or a minute late
            {"for: 30m", "for: 29m"},                     // accuracy
            {"for: 5m\n        labels:\n          severity: ticket", "for: 4m\n        labels:\n          severity: ticket"},
            {"for: 10m", "for: 11m"},                     // error spike
            {"(model_accuracy) < 0.85", "(model_accuracy) < 0.75"},
            {"p95_5m > 1", "p95_5m > 2.5"},
            {"psi_score{feature!=\"__prediction__\"}", "psi_score"}, // prediction drift is not data drift
        };
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            List<Future<Monitoring.Result>> results = new ArrayList<>();
            for (String[] mutation : mutations) {
                assertThat(rules).contains(mutation[0]);
                Path dir = Files.createTempDirectory(tmp, "mutant");
                Files.createDirectories(dir.resolve("rules"));
                Files.createDirectories(dir.resolve("tests"));
                Files.writeString(dir.resolve("rules/anomalyops-triggers.yml"), rules.replace(mutation[0], mutation[1]));
                Files.copy(Monitoring.dir().resolve("prometheus/tests/anomalyops-triggers.test.yml"),
                        dir.resolve("tests/anomalyops-triggers.test.yml"));
                results.add(pool.submit(() -> Monitoring.run(dir.resolve("tests"),
                        List.of(promtool.toString(), "test", "rules", "anomalyops-triggers.test.yml"))));
            }
            for (int i = 0; i < mutations.length; i++) {
                assertThat(results.get(i).get().exitCode())
                        .as("the rule tests must fail when " + mutations[i][0] + " becomes " + mutations[i][1]).isNotZero();
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void prometheusConfigIsValid() throws Exception {
        Path promtool = Monitoring.requireTool("prometheus", "promtool");
        Monitoring.Result result = Monitoring.run(Monitoring.dir().resolve("prometheus"),
                List.of(promtool.toString(), "check", "config", "prometheus.yml"));
        assertThat(result.exitCode()).as(result.output()).isZero();
    }

    @Test
    void alertmanagerConfigIsValid() throws Exception {
        Path amtool = Monitoring.requireTool("prometheus-alertmanager", "amtool");
        Monitoring.Result result = Monitoring.run(Monitoring.dir().resolve("alertmanager"),
                List.of(amtool.toString(), "check-config", "alertmanager.yml"));
        assertThat(result.exitCode()).as(result.output()).isZero();
        assertThat(result.output()).contains("SUCCESS");
    }
}
