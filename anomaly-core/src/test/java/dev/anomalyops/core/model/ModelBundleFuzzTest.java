package dev.anomalyops.core.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.anomalyops.core.AnomalyOpsException;
import dev.anomalyops.core.ModelLoadException;
import dev.anomalyops.core.internal.AtomicFiles;
import dev.anomalyops.core.internal.Hashing;
import dev.anomalyops.core.testing.FuzzBudget;
import dev.anomalyops.core.testing.Mutations;
import dev.anomalyops.core.testing.TestBundles;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AddLifecycleHook;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Model bundles are untrusted input: fuzzes {@link ModelBundle#read} and {@link ModelBundle#extract} with mutated
 * archives, hand-made hostile archives (path traversal, absolute and nested names, huge declared sizes, zip bombs,
 * bad checksums) and mutated manifests. Properties: the only failure is our {@link ModelLoadException} (or another
 * {@link AnomalyOpsException}), nothing is written outside the target directory, a failed extraction leaves no
 * files behind, a bomb stops at the byte limit, and an archive that does read is byte-for-byte the bundle it
 * claims to be (the manifest's checksums hold). Tries scale with {@code -Danomalyops.fuzz.scale}.
 */
@AddLifecycleHook(FuzzBudget.class)
class ModelBundleFuzzTest {
    private static Path work;
    private static byte[] archive;
    private static String checksum;
    private static byte[] manifest;
    private static Path seedDirectory;
    private static final AtomicInteger RUN = new AtomicInteger();
    private static final BundleLimits SMALL = new BundleLimits(16, 1 << 20, 64 << 10);

    @TempDir
    Path temp;

    @BeforeContainer
    static void seed() throws IOException {
        work = Files.createTempDirectory("bundle-fuzz-");
        seedDirectory = work.resolve("seed");
        ModelBundle bundle = TestBundles.write(seedDirectory, "cpu", 7, 2048);
        bundle.writeArchive(work.resolve("seed.zip"));
        archive = Files.readAllBytes(work.resolve("seed.zip"));
        checksum = bundle.checksum();
        manifest = Files.readAllBytes(seedDirectory.resolve(ModelBundle.MANIFEST_FILE));
    }

    @AfterContainer
    static void clean() throws IOException {
        AtomicFiles.deleteTree(work);
    }

    @Provide
    Arbitrary<byte[]> mutatedArchives() {
        return Mutations.of(List.of(archive), 6);
    }

    @Property(tries = 1500)
    void mutatedArchivesReadAsTheOriginalOrFailCleanly(@ForAll("mutatedArchives") byte[] zip) throws IOException {
        Path run = work.resolve("run-" + RUN.incrementAndGet());
        Files.createDirectories(run);
        Path file = run.resolve("in.zip");
        Files.write(file, zip);
        Path target = run.resolve("out");
        try {
            ModelBundle bundle = ModelBundle.extract(file, target, SMALL);
            // Anything that reads is the bundle that was archived: every edit was in bytes the reader ignores.
            assertThat(bundle.checksum()).isEqualTo(checksum);
            assertVerified(bundle);
        } catch (AnomalyOpsException expected) {
            assertThat(expected).isInstanceOf(ModelLoadException.class);
            assertThat(target).as("a failed extraction leaves nothing behind").doesNotExist();
        }
        try (Stream<Path> left = Files.list(run)) {
            assertThat(left.map(p -> p.getFileName().toString())).isSubsetOf("in.zip", "out");
        }
        AtomicFiles.deleteTree(run);
    }

    @Provide
    Arbitrary<List<Entry>> hostileEntries() {
        Arbitrary<String> names = Arbitraries.oneOf(
                Arbitraries.of("manifest.json", "model.json", "drift-reference.json", "../escaped.txt",
                        "../../etc/cron.d/x", "/etc/passwd", "a/b.json", "dir/", "..", ".", "C:\\evil.txt", "model.json/",
                        "./model.json", "x\u0000.json", "\u00e9t\u00e9.json", ".hidden", "-rf", "m".repeat(200)),
                Arbitraries.strings().ofMinLength(1).ofMaxLength(40));
        Arbitrary<byte[]> contents = Arbitraries.oneOf(
                Arbitraries.bytes().array(byte[].class).ofMaxSize(256),
                Arbitraries.just(manifest),
                Mutations.of(List.of(manifest), 3),
                Arbitraries.integers().between(0, 3 << 20).map(n -> new byte[n]));
        Arbitrary<Entry> entry = Combinators.combine(names, contents, Arbitraries.of(ZipEntry.DEFLATED, ZipEntry.STORED))
                .as(Entry::new);
        return entry.list().ofMinSize(0).ofMaxSize(20);
    }

    record Entry(String name, byte[] content, int method) {}

    @Property(tries = 300)
    void hostileArchivesNeverEscapeOrExceedTheLimits(@ForAll("hostileEntries") List<Entry> entries,
            @ForAll("declaredSizes") int declared) throws IOException {
        Path run = work.resolve("run-" + RUN.incrementAndGet());
        Path target = run.resolve("nested").resolve("out");
        Files.createDirectories(run);
        Path file = run.resolve("in.zip");
        byte[] zip = zip(entries);
        if (declared != 0) {
            zip = patchDeclaredSizes(zip, declared);
        }
        Files.write(file, zip);
        try {
            ModelBundle bundle = ModelBundle.extract(file, target, SMALL);
            assertVerified(bundle);
        } catch (AnomalyOpsException expected) {
            assertThat(target).doesNotExist();
        }
        try (Stream<Path> all = Files.walk(run)) {
            List<String> outside = all.filter(Files::isRegularFile).filter(p -> !p.startsWith(target))
                    .map(p -> run.relativize(p).toString()).toList();
            assertThat(outside).containsExactly("in.zip");
        }
        try (Stream<Path> all = Files.walk(work, 1)) {
            assertThat(all.map(p -> p.getFileName().toString()).filter(n -> n.contains("escaped"))).isEmpty();
        }
        AtomicFiles.deleteTree(run);
    }

    @Provide
    Arbitrary<Integer> declaredSizes() {
        return Arbitraries.of(0, 0, 0, -1, Integer.MAX_VALUE, 1 << 30, 1, 0x7fff_fff0);
    }

    @Provide
    Arbitrary<byte[]> mutatedManifests() {
        Arbitrary<byte[]> textual = Mutations.of(List.of(manifest), 8);
        Arbitrary<byte[]> structural = Combinators.combine(Arbitraries.of("name", "version", "format", "modelFile",
                "schema", "threshold", "scaler", "metrics", "files", "createdAt", "driftReference", "formatVersion",
                "hyperParameters", "provenance"), hostileJsonValues()).as(ModelBundleFuzzTest::replaceField);
        return Arbitraries.oneOf(textual, structural);
    }

    private static Arbitrary<String> hostileJsonValues() {
        return Arbitraries.oneOf(
                Arbitraries.of("null", "true", "1e999999", "-0", "NaN", "\"\"", "[]", "{}", "\"../../etc/passwd\"",
                        "{\"../x\":\"00\"}", "{\"model.json\":\"" + "0".repeat(64) + "\"}", "18446744073709551616",
                        "\"" + "x".repeat(100_000) + "\"", "[" + "[".repeat(300) + "]".repeat(300) + "]",
                        "{\"features\":[{\"name\":\"a\"},{\"name\":\"a\"}]}", "{\"center\":[1],\"scale\":[0]}",
                        "{\"features\":" + "[{\"name\":\"f\"}]".repeat(1) + "}", "\"2026-13-45T99:00:00Z\"", "2",
                        "99999999999"),
                Arbitraries.strings().ofMaxLength(30).map(s -> "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"")
                        + "\""));
    }

    private static byte[] replaceField(String field, String value) {
        String text = new String(manifest, StandardCharsets.UTF_8);
        String key = "\"" + field + "\" : ";
        int at = text.indexOf(key);
        if (at < 0) {
            return manifest;
        }
        try {
            var tree = (com.fasterxml.jackson.databind.node.ObjectNode) dev.anomalyops.core.internal.Json.parse(manifest);
            var raw = new StringBuilder(tree.toString());
            int start = raw.indexOf("\"" + field + "\":") + field.length() + 3;
            int end = valueEnd(raw, start);
            raw.replace(start, end, value);
            return raw.toString().getBytes(StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** End of the JSON value starting at {@code start} in compact JSON written by Jackson. */
    private static int valueEnd(CharSequence json, int start) {
        int depth = 0;
        boolean string = false;
        for (int i = start; i < json.length(); i++) {
            char c = json.charAt(i);
            if (string) {
                if (c == '\\') {
                    i++;
                } else if (c == '"') {
                    string = false;
                    if (depth == 0) {
                        return i + 1;
                    }
                }
            } else if (c == '"') {
                string = true;
            } else if (c == '{' || c == '[') {
                depth++;
            } else if (c == '}' || c == ']') {
                if (depth == 0) {
                    return i;
                }
                depth--;
                if (depth == 0) {
                    return i + 1;
                }
            } else if (c == ',' && depth == 0) {
                return i;
            }
        }
        return json.length();
    }

    @Property(tries = 1000)
    void mutatedManifestsAreReadOrRejectedWithOurException(@ForAll("mutatedManifests") byte[] bytes)
            throws IOException {
        Path run = work.resolve("run-" + RUN.incrementAndGet());
        Files.createDirectories(run);
        for (String name : List.of("model.json", "drift-reference.json")) {
            Files.copy(seedDirectory.resolve(name), run.resolve(name));
        }
        Files.write(run.resolve(ModelBundle.MANIFEST_FILE), bytes);
        try {
            ModelBundle bundle = ModelBundle.read(run, SMALL);
            assertVerified(bundle);
            assertThat(bundle.checksum()).isEqualTo(Hashing.sha256Hex(bytes));
        } catch (AnomalyOpsException expected) {
            assertThat(expected).isInstanceOf(ModelLoadException.class).hasMessageContaining(run.toString());
        }
        AtomicFiles.deleteTree(run);
    }

    @Property(tries = 12)
    void zipBombsStopAtTheLimitQuickly(@ForAll("bombs") Bomb bomb) throws IOException {
        Path run = work.resolve("run-" + RUN.incrementAndGet());
        Files.createDirectories(run);
        Path file = run.resolve("bomb.zip");
        Files.write(file, bomb.zip());
        assertThat(Files.size(file)).isLessThan(SMALL.maxTotalBytes() / 8);
        long start = System.nanoTime();
        // With honest headers the byte count stops it; with lying headers (declared sizes patched) the inflater
        // runs dry or overruns first. Either way: our exception, quickly, and nothing left on disk.
        assertThatThrownBy(() -> ModelBundle.extract(file, run.resolve("out"), SMALL))
                .isInstanceOf(ModelLoadException.class)
                .hasMessageContaining(bomb.declared() == 0 ? "expands to more than " + SMALL.maxTotalBytes() + " bytes"
                        : "bomb.zip");
        assertThat((System.nanoTime() - start) / 1_000_000).as("milliseconds to reject").isLessThan(5_000);
        assertThat(run.resolve("out")).doesNotExist();
        AtomicFiles.deleteTree(run);
    }

    record Bomb(byte[] zip, int declared) {}

    @Provide
    Arbitrary<Bomb> bombs() {
        return Combinators.combine(Arbitraries.integers().between(1, 12), Arbitraries.integers().between(1, 6),
                Arbitraries.of(0, -1, 1, 4096)).as((entries, megabytes, declared) -> {
                    List<Entry> list = new ArrayList<>();
                    list.add(new Entry(ModelBundle.MANIFEST_FILE, manifest, ZipEntry.DEFLATED));
                    for (int i = 0; i < entries; i++) {
                        list.add(new Entry("part" + i + ".bin", new byte[(megabytes << 20) / entries + (1 << 20) / entries
                                + 1], ZipEntry.DEFLATED));
                    }
                    byte[] zip = zip(list);
                    return new Bomb(declared == 0 ? zip : patchDeclaredSizes(zip, declared), declared);
                });
    }

    @Test
    void readingARejectedArchiveLeavesNoTemporaryDirectory() throws IOException {
        Path bomb = temp.resolve("bomb.zip");
        Files.write(bomb, zip(List.of(new Entry("model.json", new byte[8 << 20], ZipEntry.DEFLATED))));
        Path tmp = Path.of(System.getProperty("java.io.tmpdir"));
        List<Path> before = bundleTemps(tmp);
        assertThatThrownBy(() -> ModelBundle.read(bomb, new BundleLimits(4, 1 << 20, 1 << 20)))
                .isInstanceOf(ModelLoadException.class);
        assertThat(bundleTemps(tmp)).isSubsetOf(before);
    }

    @Test
    void symbolicLinksInADirectoryBundleAreRefused() throws IOException {
        Path bundle = temp.resolve("linked");
        TestBundles.write(bundle, "cpu", 3, 64);
        Path outside = temp.resolve("secret.txt");
        Files.writeString(outside, "secret");
        Files.delete(bundle.resolve("drift-reference.json"));
        Files.createSymbolicLink(bundle.resolve("drift-reference.json"), outside);
        assertThatThrownBy(() -> ModelBundle.read(bundle)).isInstanceOf(ModelLoadException.class)
                .hasMessageContaining("drift-reference.json");
        Path manifestLink = temp.resolve("linked-manifest");
        TestBundles.write(manifestLink, "cpu", 3, 64);
        Files.move(manifestLink.resolve(ModelBundle.MANIFEST_FILE), temp.resolve("real-manifest.json"));
        Files.createSymbolicLink(manifestLink.resolve(ModelBundle.MANIFEST_FILE), temp.resolve("real-manifest.json"));
        assertThatThrownBy(() -> ModelBundle.read(manifestLink)).isInstanceOf(ModelLoadException.class)
                .hasMessageContaining("manifest.json is missing");
    }

    private static List<Path> bundleTemps(Path tmp) throws IOException {
        try (Stream<Path> list = Files.list(tmp)) {
            return list.filter(p -> p.getFileName().toString().startsWith("anomalyops-bundle-")).toList();
        }
    }

    private static void assertVerified(ModelBundle bundle) throws IOException {
        for (Map.Entry<String, String> file : bundle.manifest().files().entrySet()) {
            Path path = bundle.directory().resolve(file.getKey());
            assertThat(path.normalize().getParent()).isEqualTo(bundle.directory().normalize());
            assertThat(Hashing.sha256Hex(path)).isEqualTo(file.getValue());
        }
        try (Stream<Path> files = Files.list(bundle.directory())) {
            assertThat(files.count()).isEqualTo(bundle.manifest().files().size() + 1L);
        }
    }

    static byte[] zip(List<Entry> entries) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(out)) {
            java.util.Set<String> seen = new java.util.HashSet<>();
            for (Entry entry : entries) {
                if (!seen.add(entry.name())) {
                    continue; // ZipOutputStream refuses duplicates; the mutation property makes those
                }
                ZipEntry z = new ZipEntry(entry.name());
                z.setMethod(entry.method());
                if (entry.method() == ZipEntry.STORED) {
                    java.util.zip.CRC32 crc = new java.util.zip.CRC32();
                    crc.update(entry.content());
                    z.setSize(entry.content().length);
                    z.setCompressedSize(entry.content().length);
                    z.setCrc(crc.getValue());
                }
                zip.putNextEntry(z);
                zip.write(entry.content());
                zip.closeEntry();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** Overwrites the compressed and uncompressed sizes in every local and central header. */
    static byte[] patchDeclaredSizes(byte[] zip, int size) {
        byte[] out = zip.clone();
        ByteBuffer buffer = ByteBuffer.wrap(out).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i + 46 <= out.length; i++) {
            int signature = buffer.getInt(i);
            if (signature == 0x04034b50) { // local header: sizes at 18 and 22
                buffer.putInt(i + 18, size);
                buffer.putInt(i + 22, size);
            } else if (signature == 0x02014b50) { // central header: sizes at 20 and 24
                buffer.putInt(i + 20, size);
                buffer.putInt(i + 24, size);
            }
        }
        return out;
    }

}
