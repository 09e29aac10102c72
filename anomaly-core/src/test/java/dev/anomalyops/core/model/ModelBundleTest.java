package dev.anomalyops.core.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.anomalyops.core.FeatureSchema;
import dev.anomalyops.core.ModelLoadException;
import dev.anomalyops.core.NonFinitePolicy;
import dev.anomalyops.core.StorageException;
import dev.anomalyops.core.testing.TestBundles;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelBundleTest {
    @TempDir
    Path temp;

    private ModelBundle fullBundle(Path directory) {
        FeatureSchema schema = FeatureSchema.builder().add("cpu").add("mem", NonFinitePolicy.REJECT).build();
        return ModelBundle.builder("cpu-anomaly", "2026.11.29")
                .model(ModelFormat.XGBOOST_JSON, "model.json", "{\"learner\":{}}".getBytes(StandardCharsets.UTF_8))
                .schema(schema)
                .threshold(0.42)
                .scaler(Scaler.of("standard", new double[] {1.5, -2}, new double[] {0.5, 4}))
                .metric("f1", 0.91)
                .metric("undefined_precision", Double.NaN)
                .hyperParameter("max_depth", "6")
                .trainingDataFingerprint("sha256:abc")
                .createdAt(Instant.parse("2026-11-29T10:15:30.123Z"))
                .driftReference("drift-reference.json", "{}".getBytes(StandardCharsets.UTF_8))
                .metadata("label.weight.human", "5")
                .provenance("xgboost.version", "3.4.0")
                .file("notes.txt", "trained on SMD".getBytes(StandardCharsets.UTF_8))
                .writeTo(directory);
    }

    @Test
    void writesAndReadsEveryManifestField() {
        ModelBundle written = fullBundle(temp.resolve("b"));
        ModelBundle read = ModelBundle.read(temp.resolve("b"));
        ModelManifest m = read.manifest();
        assertThat(m).isEqualTo(written.manifest());
        assertThat(m.name()).isEqualTo("cpu-anomaly");
        assertThat(m.framework()).isEqualTo("xgboost");
        assertThat(m.schema().feature(1).nonFinite()).isEqualTo(NonFinitePolicy.REJECT);
        assertThat(m.threshold()).isEqualTo(0.42);
        assertThat(m.scaler()).hasValueSatisfying(s -> assertThat(s.apply(1, 6f)).isEqualTo(2f));
        assertThat(m.metrics()).containsEntry("f1", 0.91);
        assertThat(m.metrics().get("undefined_precision")).isNaN();
        assertThat(m.hyperParameters()).containsEntry("max_depth", "6");
        assertThat(m.createdAt()).isEqualTo(Instant.parse("2026-11-29T10:15:30.123Z"));
        assertThat(m.driftReference()).hasValue("drift-reference.json");
        assertThat(m.provenance()).containsEntry("xgboost.version", "3.4.0").containsKey("java.version");
        assertThat(m.files()).containsOnlyKeys("model.json", "drift-reference.json", "notes.txt");
        assertThat(read.driftReference()).hasValue(read.directory().resolve("drift-reference.json"));
        assertThat(read.checksum()).isEqualTo(written.checksum()).hasSize(64);
    }

    @Test
    void archivesAreByteIdenticalForEqualBundlesAndReadBack() throws IOException {
        fullBundle(temp.resolve("one")).writeArchive(temp.resolve("one.zip"));
        fullBundle(temp.resolve("two")).writeArchive(temp.resolve("two.zip"));
        assertThat(Files.readAllBytes(temp.resolve("one.zip"))).isEqualTo(Files.readAllBytes(temp.resolve("two.zip")));

        ModelBundle fromArchive = ModelBundle.read(temp.resolve("one.zip"));
        assertThat(fromArchive.checksum()).isEqualTo(ModelBundle.read(temp.resolve("one")).checksum());
        assertThat(fromArchive.manifest().metrics()).containsEntry("f1", 0.91);
    }

    @Test
    void refusesToOverwriteAnExistingDirectory() {
        fullBundle(temp.resolve("b"));
        assertThatThrownBy(() -> fullBundle(temp.resolve("b")))
                .isInstanceOf(StorageException.class)
                .hasMessageContaining("already exists");
    }

    @Test
    void reportsMissingAndForeignPaths() throws IOException {
        assertThatThrownBy(() -> ModelBundle.read(temp.resolve("absent.zip")))
                .isInstanceOf(ModelLoadException.class)
                .hasMessageEndingWith("absent.zip does not exist");
        Files.createDirectories(temp.resolve("empty"));
        assertThatThrownBy(() -> ModelBundle.read(temp.resolve("empty")))
                .isInstanceOf(ModelLoadException.class)
                .hasMessageContaining("is not an AnomalyOps model bundle: manifest.json is missing");
        Files.createDirectories(temp.resolve("foreign"));
        Files.writeString(temp.resolve("foreign/manifest.json"), "{\"apiVersion\": \"v1\", \"kind\": \"Deployment\"}");
        assertThatThrownBy(() -> ModelBundle.read(temp.resolve("foreign")))
                .isInstanceOf(ModelLoadException.class)
                .hasMessageContaining("field \"bundle\" is missing")
                .hasMessageContaining("field \"name\" is missing");
        Files.writeString(temp.resolve("not-a-zip.zip"), "hello");
        assertThatThrownBy(() -> ModelBundle.read(temp.resolve("not-a-zip.zip")))
                .isInstanceOf(ModelLoadException.class)
                .hasMessageContaining("is not a valid zip file");
    }

    @Test
    void detectsATruncatedManifest() throws IOException {
        ModelBundle bundle = fullBundle(temp.resolve("b"));
        Path manifest = bundle.directory().resolve(ModelBundle.MANIFEST_FILE);
        byte[] bytes = Files.readAllBytes(manifest);
        Files.write(manifest, Arrays.copyOf(bytes, bytes.length / 2));
        assertThatThrownBy(() -> ModelBundle.read(temp.resolve("b")))
                .isInstanceOf(ModelLoadException.class)
                .hasMessageContaining("is not valid JSON (truncated or not a bundle)");
    }

    @Test
    void detectsATruncatedArchive() throws IOException {
        fullBundle(temp.resolve("b")).writeArchive(temp.resolve("b.zip"));
        byte[] bytes = Files.readAllBytes(temp.resolve("b.zip"));
        Files.write(temp.resolve("cut.zip"), Arrays.copyOf(bytes, bytes.length - 40));
        assertThatThrownBy(() -> ModelBundle.read(temp.resolve("cut.zip")))
                .isInstanceOf(ModelLoadException.class)
                .hasMessageContaining("not a valid zip file");
    }

    @Test
    void detectsCorruptedMissingAndUnlistedFiles() throws IOException {
        ModelBundle bundle = fullBundle(temp.resolve("b"));
        Files.writeString(bundle.modelFile(), "{\"learner\":{\"x\":1}}");
        assertThatThrownBy(() -> ModelBundle.read(temp.resolve("b")))
                .isInstanceOf(ModelLoadException.class)
                .hasMessageContaining("is corrupted: file \"model.json\" has SHA-256");

        ModelBundle second = fullBundle(temp.resolve("c"));
        Files.delete(second.file("notes.txt"));
        assertThatThrownBy(() -> ModelBundle.read(temp.resolve("c")))
                .hasMessageContaining("is incomplete: file \"notes.txt\" listed in its manifest is missing");

        fullBundle(temp.resolve("d"));
        Files.writeString(temp.resolve("d/extra.bin"), "x");
        assertThatThrownBy(() -> ModelBundle.read(temp.resolve("d")))
                .hasMessageContaining("holds files its manifest does not list: [extra.bin]");
    }

    @Test
    void refusesBundlesFromANewerFormat() throws IOException {
        ModelBundle bundle = fullBundle(temp.resolve("b"));
        Path manifest = bundle.directory().resolve(ModelBundle.MANIFEST_FILE);
        Files.writeString(manifest, Files.readString(manifest).replace("\"formatVersion\" : 1", "\"formatVersion\" : 7"));
        assertThatThrownBy(() -> ModelBundle.read(temp.resolve("b")))
                .hasMessageContaining("format version 7 but this SDK reads up to version 1; upgrade AnomalyOps");
    }

    @Test
    void archiveEntriesCannotEscapeTheBundle() throws IOException {
        Path zip = temp.resolve("slip.zip");
        try (OutputStream out = Files.newOutputStream(zip); ZipOutputStream z = new ZipOutputStream(out)) {
            z.putNextEntry(new ZipEntry("../../escaped.txt"));
            z.write("pwned".getBytes(StandardCharsets.UTF_8));
            z.closeEntry();
        }
        Path target = temp.resolve("extract/here");
        assertThatThrownBy(() -> ModelBundle.extract(zip, target, BundleLimits.defaults()))
                .isInstanceOf(ModelLoadException.class)
                .hasMessageContaining("is not a plain file name");
        assertThat(temp.resolve("escaped.txt")).doesNotExist();
        assertThat(temp.resolve("extract/escaped.txt")).doesNotExist();
    }

    @Test
    void zipBombsStopAtTheSizeLimit() throws IOException {
        Path zip = temp.resolve("bomb.zip");
        byte[] zeros = new byte[1 << 20];
        try (OutputStream out = Files.newOutputStream(zip); ZipOutputStream z = new ZipOutputStream(out)) {
            z.putNextEntry(new ZipEntry("model.json"));
            for (int i = 0; i < 64; i++) {
                z.write(zeros);
            }
            z.closeEntry();
        }
        assertThat(Files.size(zip)).isLessThan(200_000);
        assertThatThrownBy(() -> ModelBundle.extract(zip, temp.resolve("x"), new BundleLimits(10, 8 << 20, 1 << 20)))
                .isInstanceOf(ModelLoadException.class)
                .hasMessageContaining("expands to more than 8388608 bytes");
    }

    @Test
    void validatesNamesAndRequiredParts() {
        assertThatThrownBy(() -> ModelBundle.builder("../x", "1")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ModelBundle.builder("m", "1").file("../x", new byte[0]))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ModelBundle.builder("m", "1").schema(TestBundles.SCHEMA).writeTo(temp.resolve("m")))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("needs a model");
        assertThatThrownBy(() -> ModelBundle.builder("m", "1")
                .model(ModelFormat.XGBOOST_JSON, "model.json", new byte[1])
                .schema(TestBundles.SCHEMA)
                .scaler(Scaler.of("standard", new double[] {0}, new double[] {1}))
                .writeTo(temp.resolve("m")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("scaler transforms 1 features but the schema has 4");
        assertThat(temp.resolve("m")).doesNotExist();
    }
}
