package dev.anomalyops.core.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.anomalyops.core.ModelLoadException;
import dev.anomalyops.core.StorageException;
import dev.anomalyops.core.model.ModelBundle;
import dev.anomalyops.core.testing.SmallDisk;
import dev.anomalyops.core.testing.TestBundles;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The file registry on a full disk. A real 1 MiB tmpfs (see {@link SmallDisk}) is filled to the last page, then
 * freed 4 KiB at a time with a registration attempted after each step, so the kernel's {@code ENOSPC} hits every
 * stage of a registration in turn: creating the staging directory, each bundle file, the manifest, {@code
 * version.json}. After every attempt: the visible versions are numbered 1..n without a gap, every one opens with
 * the checksum it was registered with, and a failed attempt leaves no staged bytes behind. A second JVM (a
 * restarted process) then checks the same on the same disk. Skipped, with the reason, where a tmpfs cannot be
 * mounted in a private namespace. The last test tampers with a registered manifest in place.
 */
class FileModelRegistryFullDiskTest {
    @TempDir
    Path temp;

    @Test
    @Timeout(value = 180, unit = TimeUnit.SECONDS)
    void aFullDiskNeverLeavesAPartialVersionAndRegistrationResumesWhenSpaceReturns() throws Exception {
        Assumptions.assumeTrue(SmallDisk.unavailableReason().isEmpty(), () -> "skipped: "
                + SmallDisk.unavailableReason().orElse(""));
        Path bundles = temp.resolve("bundles");
        for (int i = 0; i < 3; i++) {
            TestBundles.write(bundles.resolve("b" + i), "cpu", i, 40 << 10);
        }
        Path disk = Files.createDirectories(temp.resolve("disk"));
        Path report = temp.resolve("report.properties");
        Path log = temp.resolve("child.log");
        Process process = SmallDisk.run(disk, 1024, log, List.of(Workload.class, Verifier.class), bundles.toString(),
                report.toString());
        assertThat(process.exitValue()).as(Files.readString(log)).isZero();

        Properties figures = new Properties();
        try (InputStream in = Files.newInputStream(report)) {
            figures.load(in);
        }
        System.out.println("FileModelRegistry on a full disk: " + figures);
        assertThat(Integer.parseInt(figures.getProperty("failures"))).as(figures.toString()).isGreaterThan(20);
        assertThat(Integer.parseInt(figures.getProperty("successes"))).as(figures.toString()).isGreaterThan(3);
        assertThat(figures.getProperty("messages")).contains("No space left on device");
        assertThat(figures.getProperty("verified")).isEqualTo(figures.getProperty("versions"));
        assertThat(disk).isEmptyDirectory(); // the tmpfs lived only in the child's namespace
    }

    @Test
    void aManifestEditedAfterRegistrationIsNotServed() throws IOException {
        FileModelRegistry registry = FileModelRegistry.open(temp.resolve("registry"));
        ModelVersion version = registry.register("cpu", TestBundles.write(temp.resolve("b"), "cpu", 1), Map.of());
        Path manifest = registry.root().resolve("cpu/versions/1/bundle").resolve(ModelBundle.MANIFEST_FILE);
        String text = Files.readString(manifest);
        // Still a valid manifest, all file checksums intact: only the registration checksum can tell.
        Files.writeString(manifest, text.replace("\"threshold\" : 0.5", "\"threshold\" : 0.0"));
        assertThat(Files.readString(manifest)).isNotEqualTo(text);
        assertThat(ModelBundle.read(manifest.getParent()).manifest().threshold()).isZero();
        assertThatThrownBy(() -> registry.open(version)).isInstanceOf(ModelLoadException.class)
                .hasMessageContaining("modified after registration");
    }

    /** Child 1: fills the small disk and registers while freeing it page by page. */
    public static final class Workload {
        private Workload() {}

        /**
         * @param args mount point, bundles directory, report file
         * @throws Exception on any broken invariant (exit status 1)
         */
        public static void main(String[] args) throws Exception {
            Path disk = Path.of(args[0]);
            List<ModelBundle> bundles = IntStream.range(0, 3)
                    .mapToObj(i -> ModelBundle.read(Path.of(args[1]).resolve("b" + i))).toList();
            FileModelRegistry registry = FileModelRegistry.open(disk.resolve("registry"));
            registry.register("cpu", bundles.get(0), Map.of("seq", "0"));
            Path filler = disk.resolve("filler");
            long filled = fill(filler);
            int attempts = 0;
            int failures = 0;
            int successes = 1;
            TreeSet<String> messages = new TreeSet<>();
            try (RandomAccessFile file = new RandomAccessFile(filler.toFile(), "rw")) {
                for (long size = filled; size >= 0 && attempts < 160; size -= 4096) {
                    file.setLength(Math.max(0, size));
                    attempts++;
                    try {
                        registry.register("cpu", bundles.get(attempts % 3), Map.of("seq", Integer.toString(attempts)));
                        successes++;
                    } catch (StorageException e) {
                        failures++;
                        messages.add(rootMessage(e));
                    }
                    check(registry, successes, disk);
                }
            }
            Files.delete(filler);
            ModelVersion last = registry.register("cpu", bundles.get(0), Map.of("seq", "last"));
            successes++;
            check(registry, successes, disk);
            if (last.version() != successes) {
                throw new AssertionError("The last registration got version " + last.version() + " but " + successes
                        + " registrations succeeded");
            }
            Properties figures = new Properties();
            figures.setProperty("attempts", Integer.toString(attempts + 2));
            figures.setProperty("failures", Integer.toString(failures));
            figures.setProperty("successes", Integer.toString(successes));
            figures.setProperty("versions", Integer.toString(registry.versions("cpu").size()));
            figures.setProperty("messages", String.join(" | ", messages));
            try (OutputStream out = Files.newOutputStream(Path.of(args[2]))) {
                figures.store(out, "FileModelRegistry on a full disk");
            }
            System.out.println("workload: " + figures);
        }

        private static long fill(Path filler) throws IOException {
            byte[] block = new byte[4096];
            long written = 0;
            try (OutputStream out = Files.newOutputStream(filler)) {
                while (true) {
                    out.write(block);
                    out.flush();
                    written += block.length;
                }
            } catch (IOException e) {
                if (!String.valueOf(e.getMessage()).contains("No space left")) {
                    throw e;
                }
            }
            return written;
        }

        private static String rootMessage(Throwable e) {
            Throwable t = e;
            while (t.getCause() != null) {
                t = t.getCause();
            }
            return t.getClass().getSimpleName() + ": " + String.valueOf(t.getMessage()).replaceAll(".*: ", "");
        }
    }

    /** Child 2, a fresh JVM on the same disk: every visible version is whole. */
    public static final class Verifier {
        private Verifier() {}

        /**
         * @param args mount point, bundles directory, report file
         * @throws Exception on any broken invariant
         */
        public static void main(String[] args) throws Exception {
            Path disk = Path.of(args[0]);
            FileModelRegistry registry = FileModelRegistry.open(disk.resolve("registry"));
            Properties figures = new Properties();
            try (InputStream in = Files.newInputStream(Path.of(args[2]))) {
                figures.load(in);
            }
            int expected = Integer.parseInt(figures.getProperty("successes"));
            check(registry, expected, disk);
            figures.setProperty("verified", Integer.toString(registry.versions("cpu").size()));
            try (OutputStream out = Files.newOutputStream(Path.of(args[2]))) {
                figures.store(out, "FileModelRegistry on a full disk, verified by a second JVM");
            }
        }
    }

    static void check(FileModelRegistry registry, int successes, Path disk) throws IOException {
        List<ModelVersion> versions = registry.versions("cpu");
        List<Integer> numbers = versions.stream().map(ModelVersion::version).toList();
        if (!numbers.equals(IntStream.rangeClosed(1, successes).boxed().toList())) {
            throw new AssertionError("After " + successes + " successful registrations the visible versions are "
                    + numbers);
        }
        for (ModelVersion version : versions) {
            String checksum = registry.open(version).checksum();
            if (!checksum.equals(version.bundleChecksum())) {
                throw new AssertionError("Version " + version.version() + " opens with checksum " + checksum);
            }
        }
        Path staging = disk.resolve("registry/cpu/.staging");
        if (Files.isDirectory(staging)) {
            try (Stream<Path> files = Files.walk(staging)) {
                List<Path> left = files.filter(Files::isRegularFile).toList();
                if (!left.isEmpty()) {
                    throw new AssertionError("A failed registration left staged files: " + left);
                }
            }
        }
    }
}
