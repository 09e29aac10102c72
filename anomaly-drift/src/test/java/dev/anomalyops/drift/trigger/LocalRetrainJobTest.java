package dev.anomalyops.drift.trigger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Runs real processes through /bin/sh. */
class LocalRetrainJobTest {
    @TempDir
    Path dir;

    RetrainRequest request(String model) {
        return new RetrainRequest(model, "7", "ModelDataDrift: psi 0.41 on cpu_user; $(rm -rf /)", Map.of("feature", "cpu_user"),
                Instant.parse("2026-11-29T10:00:00Z"), "k1");
    }

    @Test
    void runsTheCommandOncePerModelWithPlaceholdersAndEnvironment() throws Exception {
        Path gate = dir.resolve("gate");
        LocalRetrainJob job = LocalRetrainJob.builder(List.of("/bin/sh", "-c",
                        "printf '%s|%s|%s|%s' \"$ANOMALYOPS_MODEL\" \"$ANOMALYOPS_MODEL_VERSION\" \"$1\" \"$ANOMALYOPS_DEDUPE_KEY\" > "
                                + "\"out-$ANOMALYOPS_MODEL\"; while [ ! -e gate ]; do sleep 0.05; done; echo trained",
                        "sh", "{reason}"))
                .workingDirectory(dir).logDirectory(dir.resolve("logs")).timeout(Duration.ofMinutes(1)).build();
        RetrainResult first = job.trigger(request("cpu"));
        assertThat(first.status()).isEqualTo(RetrainResult.Status.STARTED);
        RetrainResult again = job.trigger(request("cpu"));
        assertThat(again.status()).isEqualTo(RetrainResult.Status.ALREADY_RUNNING);
        RetrainResult other = job.trigger(request("mem"));
        assertThat(other.status()).isEqualTo(RetrainResult.Status.STARTED);
        Files.createFile(gate);
        assertThat(job.completion(first.id()).orElseThrow().get(30, TimeUnit.SECONDS)).isZero();
        assertThat(job.completion(other.id()).orElseThrow().get(30, TimeUnit.SECONDS)).isZero();
        // The reason arrived as one argument, not interpreted by a shell.
        assertThat(Files.readString(dir.resolve("out-cpu")))
                .isEqualTo("cpu|7|ModelDataDrift: psi 0.41 on cpu_user; $(rm -rf /)|k1");
        assertThat(Files.readString(dir.resolve("logs").resolve(first.id() + ".log"))).contains("trained");
        // Once finished, the model may be retrained again.
        assertThat(job.trigger(request("cpu")).status()).isIn(RetrainResult.Status.STARTED);
    }

    @Test
    void aRunPastItsTimeoutIsKilled() throws Exception {
        LocalRetrainJob job = LocalRetrainJob.builder(List.of("/bin/sleep", "30")).workingDirectory(dir)
                .logDirectory(dir.resolve("logs")).timeout(Duration.ofMillis(300)).build();
        RetrainResult result = job.trigger(request("cpu"));
        assertThat(job.completion(result.id()).orElseThrow().get(20, TimeUnit.SECONDS)).isNotZero();
    }

    @Test
    void invalidModelNamesNeverReachTheCommand() {
        assertThatThrownBy(() -> request("../../etc")).isInstanceOf(IllegalArgumentException.class);
    }
}
