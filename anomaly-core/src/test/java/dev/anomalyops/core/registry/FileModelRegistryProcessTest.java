package dev.anomalyops.core.registry;

import static org.assertj.core.api.Assertions.assertThat;

import dev.anomalyops.core.model.ModelBundle;
import dev.anomalyops.core.testing.ChildJvm;
import dev.anomalyops.core.testing.FileRegistryWriter;
import dev.anomalyops.core.testing.TestBundles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The file registry across processes: two JVMs registering at once, and writers killed with SIGKILL in
 * the middle of a registration. These use real child JVMs and real OS file locks.
 */
class FileModelRegistryProcessTest {
    @TempDir
    Path temp;

    @Test
    @Timeout(value = 180, unit = TimeUnit.SECONDS)
    void twoJvmsRegisteringTheSameModelGetDistinctNumbers() throws Exception {
        Path root = temp.resolve("registry");
        int each = 12;
        Process a = ChildJvm.start(FileRegistryWriter.class, temp.resolve("a.log"), root.toString(), "cpu",
                Integer.toString(each), "a", "65536");
        Process b = ChildJvm.start(FileRegistryWriter.class, temp.resolve("b.log"), root.toString(), "cpu",
                Integer.toString(each), "b", "65536");
        assertThat(a.waitFor(150, TimeUnit.SECONDS)).isTrue();
        assertThat(b.waitFor(150, TimeUnit.SECONDS)).isTrue();
        assertThat(a.exitValue()).as(Files.readString(temp.resolve("a.log"))).isZero();
        assertThat(b.exitValue()).as(Files.readString(temp.resolve("b.log"))).isZero();

        FileModelRegistry registry = FileModelRegistry.open(root);
        List<ModelVersion> versions = registry.versions("cpu");
        assertThat(versions).extracting(ModelVersion::version)
                .containsExactlyElementsOf(IntStream.rangeClosed(1, 2 * each).boxed().toList());
        Set<String> registrations = new HashSet<>();
        for (ModelVersion version : versions) {
            registrations.add(version.tags().get("writer") + "/" + version.tags().get("seq"));
            assertThat(registry.open(version).checksum()).isEqualTo(version.bundleChecksum());
        }
        assertThat(registrations).hasSize(2 * each);
        // Both wrote while the other was writing: their registrations interleave.
        assertThat(versions.stream().map(v -> v.tags().get("writer")).distinct()).hasSize(2);
    }

    @Test
    @Timeout(value = 180, unit = TimeUnit.SECONDS)
    void aWriterKilledMidRegistrationLeavesNoPartialVersion() throws Exception {
        Path root = temp.resolve("registry");
        Path staging = root.resolve("cpu").resolve(".staging");
        FileModelRegistry registry = FileModelRegistry.open(root);
        int kills = 0;
        for (int attempt = 0; attempt < 3; attempt++) {
            Process writer = ChildJvm.start(FileRegistryWriter.class, temp.resolve("w" + attempt + ".log"),
                    root.toString(), "cpu", "0", "w" + attempt, Integer.toString(24 << 20));
            int before = registry.versions("cpu").size();
            // Wait until the writer has finished at least one version, then until it is inside the next one.
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
            while (registry.versions("cpu").size() == before && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            boolean midWrite = false;
            while (!midWrite && System.nanoTime() < deadline) {
                midWrite = hasStagedFiles(staging);
                if (!midWrite) {
                    Thread.onSpinWait();
                }
            }
            writer.destroyForcibly();
            writer.waitFor(30, TimeUnit.SECONDS);
            assertThat(midWrite).as("the writer was caught inside a registration").isTrue();
            kills++;

            for (ModelVersion version : registry.versions("cpu")) {
                assertThat(registry.open(version).checksum()).isEqualTo(version.bundleChecksum());
            }
        }
        assertThat(kills).isEqualTo(3);
        // The OS released the dead writers' locks: this process registers right away, with the next number.
        List<ModelVersion> visible = registry.versions("cpu");
        ModelBundle bundle = TestBundles.write(temp.resolve("after"), "cpu", 99);
        ModelVersion next = registry.register("cpu", bundle, Map.of());
        assertThat(next.version()).isEqualTo(visible.get(visible.size() - 1).version() + 1);
        assertThat(visible).extracting(ModelVersion::version)
                .containsExactlyElementsOf(IntStream.rangeClosed(1, visible.size()).boxed().toList());
        assertThat(hasStagedFiles(staging)).as("leftovers of killed writers are cleaned by the next writer").isFalse();
    }

    private static boolean hasStagedFiles(Path staging) {
        if (!Files.isDirectory(staging)) {
            return false;
        }
        try (Stream<Path> files = Files.walk(staging)) {
            return files.anyMatch(Files::isRegularFile);
        } catch (IOException e) {
            return false; // the writer renamed or removed the directory while we looked
        }
    }
}
