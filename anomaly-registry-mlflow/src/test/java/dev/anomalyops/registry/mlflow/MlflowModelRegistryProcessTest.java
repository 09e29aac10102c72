package dev.anomalyops.registry.mlflow;

import static org.assertj.core.api.Assertions.assertThat;

import dev.anomalyops.core.NotFoundException;
import dev.anomalyops.core.registry.Aliases;
import dev.anomalyops.core.registry.ModelVersion;
import dev.anomalyops.core.testing.ChildJvm;
import dev.anomalyops.core.testing.TestBundles;
import dev.anomalyops.registry.mlflow.testing.FakeMlflowServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two JVMs register versions and move one alias at the same time through their own registries against one
 * {@link FakeMlflowServer} (an in-process stand-in for MLflow, which cannot run here): the guarantees rest
 * on the server's semantics, not on anything shared inside one JVM.
 */
class MlflowModelRegistryProcessTest {
    @TempDir
    Path temp;

    @Test
    void twoProcessesShareNumbersAndAliasHistoryWithoutLosingAnything() throws Exception {
        try (FakeMlflowServer server = FakeMlflowServer.start();
                MlflowModelRegistry registry = MlflowModelRegistry.builder(server.uri())
                        .cacheDirectory(temp.resolve("cache")).build()) {
            ModelVersion first = registry.register("cpu", TestBundles.write(temp.resolve("b0"), "cpu", 1000), Map.of());
            registry.setAlias("cpu", Aliases.CHAMPION, first.version());
            Process a = ChildJvm.start(MlflowRegistryWriter.class, temp.resolve("a.log"), server.uri().toString(),
                    Files.createDirectories(temp.resolve("a")).toString(), "0", "4", "8");
            Process b = ChildJvm.start(MlflowRegistryWriter.class, temp.resolve("b.log"), server.uri().toString(),
                    Files.createDirectories(temp.resolve("b")).toString(), "100", "4", "8");
            assertThat(a.waitFor(120, TimeUnit.SECONDS)).isTrue();
            assertThat(b.waitFor(120, TimeUnit.SECONDS)).isTrue();
            String logA = Files.readString(temp.resolve("a.log"));
            String logB = Files.readString(temp.resolve("b.log"));
            assertThat(a.exitValue()).as(logA).isZero();
            assertThat(b.exitValue()).as(logB).isZero();

            assertThat(registry.versions("cpu")).extracting(ModelVersion::version)
                    .containsExactlyElementsOf(IntStream.rangeClosed(1, 9).boxed().toList());
            int changed = changed(logA) + changed(logB);
            int rollbacks = 0;
            while (true) {
                try {
                    registry.rollback("cpu", Aliases.CHAMPION);
                    rollbacks++;
                } catch (NotFoundException e) {
                    break;
                }
            }
            assertThat(rollbacks).isEqualTo(changed);
            assertThat(registry.resolve("cpu", Aliases.CHAMPION)).hasValue(first);
        }
    }

    private static int changed(String log) {
        Matcher m = Pattern.compile("changed=(\\d+)").matcher(log);
        if (!m.find()) {
            throw new AssertionError("no result in child log:\n" + log);
        }
        return Integer.parseInt(m.group(1));
    }
}
