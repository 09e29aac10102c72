package dev.anomalyops.core.model;

import com.fasterxml.jackson.databind.JsonNode;
import dev.anomalyops.core.FeatureSchema;
import dev.anomalyops.core.ModelLoadException;
import dev.anomalyops.core.StorageException;
import dev.anomalyops.core.internal.AtomicFiles;
import dev.anomalyops.core.internal.Hashing;
import dev.anomalyops.core.internal.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.temporal.ChronoUnit;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;

/**
 * A model bundle (format v1): a directory holding {@code manifest.json} and the files it lists, each with
 * its SHA-256. The same content travels as a single zip archive. A {@code ModelBundle} object always
 * refers to a directory whose files were verified against the manifest when it was read. Immutable and
 * thread-safe.
 *
 * <pre>{@code
 * ModelBundle bundle = ModelBundle.builder("cpu-anomaly", "2026.11.29")
 *         .model(ModelFormat.XGBOOST_JSON, Path.of("model.json"))
 *         .schema(schema)
 *         .threshold(0.42)
 *         .metric("f1", 0.91)
 *         .writeTo(Path.of("bundles/cpu-anomaly"));
 * bundle.writeArchive(Path.of("cpu-anomaly.zip"));
 * ModelBundle again = ModelBundle.read(Path.of("cpu-anomaly.zip"));   // checksums verified
 * }</pre>
 */
public final class ModelBundle {
    /** The manifest's file name inside every bundle. */
    public static final String MANIFEST_FILE = "manifest.json";
    // Zip entries carry local date-times; a fixed one keeps archives byte-identical across builds and zones.
    private static final LocalDateTime ENTRY_TIME = LocalDateTime.of(2000, 1, 1, 0, 0);

    private final Path directory;
    private final ModelManifest manifest;
    private final String checksum;

    private ModelBundle(Path directory, ModelManifest manifest, String checksum) {
        this.directory = directory;
        this.manifest = manifest;
        this.checksum = checksum;
    }

    /**
     * Reads and verifies a bundle directory or archive with the default {@link BundleLimits}. An archive is
     * extracted into a new temporary directory that is deleted when the JVM exits.
     *
     * @param path a bundle directory or a {@code .zip} archive of one
     * @return the verified bundle
     * @throws ModelLoadException when the path is missing, is not a bundle, is truncated or fails a checksum
     */
    public static ModelBundle read(Path path) {
        return read(path, BundleLimits.defaults());
    }

    /**
     * Reads and verifies a bundle directory or archive.
     *
     * @param path a bundle directory or a {@code .zip} archive of one
     * @param limits bounds on file count and size
     * @return the verified bundle
     * @throws ModelLoadException when the path is missing, is not a bundle, is truncated or fails a checksum
     */
    public static ModelBundle read(Path path, BundleLimits limits) {
        Objects.requireNonNull(path, "path");
        if (Files.isDirectory(path)) {
            return readDirectory(path, limits);
        }
        if (!Files.exists(path)) {
            throw new ModelLoadException("Model bundle " + path + " does not exist");
        }
        Path target;
        try {
            target = Files.createTempDirectory("anomalyops-bundle-");
        } catch (IOException e) {
            throw new StorageException("Cannot create a temporary directory to extract " + path + ": " + e.getMessage(), e);
        }
        TemporaryDirectories.deleteOnExit(target);
        try {
            return extract(path, target, limits);
        } catch (RuntimeException e) {
            // A rejected archive (a zip bomb stopped at the limit, say) must not keep its bytes on disk until the
            // JVM exits: repeated attempts would fill the temporary directory.
            deleteQuietly(target);
            throw e;
        }
    }

    private static void deleteQuietly(Path directory) {
        try {
            AtomicFiles.deleteTree(directory);
        } catch (IOException ignored) {
            // Best effort; the shutdown hook tries again.
        }
    }

    /**
     * Extracts an archive into {@code target} (which must be empty or absent) and verifies it.
     *
     * @param archive a bundle archive
     * @param target where to extract it
     * @param limits bounds on file count and size
     * @return the verified bundle, backed by {@code target}
     * @throws ModelLoadException when the archive is not a valid bundle or breaks a limit
     */
    public static ModelBundle extract(Path archive, Path target, BundleLimits limits) {
        boolean created = !Files.exists(target, LinkOption.NOFOLLOW_LINKS);
        List<Path> written = new java.util.ArrayList<>();
        try {
            return extractInto(archive, target, limits, written);
        } catch (RuntimeException e) {
            // Leave target as it was: remove what this call wrote (never anything that was there before).
            for (Path file : written) {
                try {
                    Files.deleteIfExists(file);
                } catch (IOException ignored) {
                    // Best effort.
                }
            }
            if (created) {
                try {
                    Files.deleteIfExists(target);
                } catch (IOException ignored) {
                    // Not empty after all (someone else wrote there) or already gone.
                }
            }
            throw e;
        }
    }

    private static ModelBundle extractInto(Path archive, Path target, BundleLimits limits, List<Path> written) {
        try {
            Files.createDirectories(target);
            try (ZipFile zip = new ZipFile(archive.toFile())) {
                if (zip.size() > limits.maxFiles() + 1) {
                    throw new ModelLoadException("Bundle archive " + archive + " holds " + zip.size()
                            + " entries but at most " + (limits.maxFiles() + 1) + " are allowed");
                }
                long total = 0;
                byte[] buffer = new byte[1 << 16];
                for (Enumeration<? extends ZipEntry> entries = zip.entries(); entries.hasMoreElements(); ) {
                    ZipEntry entry = entries.nextElement();
                    String name = entry.getName();
                    if (entry.isDirectory() || !isPlainName(name)) {
                        throw new ModelLoadException("Bundle archive " + archive + " has an entry \"" + name
                                + "\" that is not a plain file name; bundles hold no folders or paths");
                    }
                    Path out = target.resolve(name);
                    if (!out.normalize().getParent().equals(target.normalize())) {
                        throw new ModelLoadException("Bundle archive " + archive + " entry \"" + name
                                + "\" would be written outside the bundle directory");
                    }
                    // Count real bytes: the sizes in zip headers are attacker-controlled.
                    // ZipFile does not check CRC-32s (ZipInputStream does): check them, so that a flipped bit in
                    // the manifest's compressed bytes is reported as a corrupt archive rather than read as a
                    // different, still well-formed manifest.
                    CRC32 crc = new CRC32();
                    try (InputStream in = zip.getInputStream(entry);
                            OutputStream os = create(out, written)) {
                        int read;
                        while ((read = in.read(buffer)) > 0) {
                            total += read;
                            if (total > limits.maxTotalBytes()) {
                                throw new ModelLoadException("Bundle archive " + archive + " expands to more than "
                                        + limits.maxTotalBytes() + " bytes, the limit");
                            }
                            crc.update(buffer, 0, read);
                            os.write(buffer, 0, read);
                        }
                    }
                    if (entry.getCrc() != -1 && entry.getCrc() != crc.getValue()) {
                        throw new ModelLoadException("Bundle archive " + archive + " is corrupted: entry \"" + name
                                + "\" fails its CRC-32 check (expected " + Long.toHexString(entry.getCrc()) + ", got "
                                + Long.toHexString(crc.getValue()) + ")");
                    }
                }
            }
        } catch (ZipException e) {
            throw new ModelLoadException("Bundle archive " + archive + " is not a valid zip file (truncated?): "
                    + e.getMessage(), e);
        } catch (NoSuchFileException e) {
            throw new ModelLoadException("Model bundle " + archive + " does not exist", e);
        } catch (IOException e) {
            throw new ModelLoadException("Cannot extract bundle archive " + archive + ": " + e.getMessage(), e);
        }
        return readDirectory(target, limits);
    }

    private static OutputStream create(Path file, List<Path> written) throws IOException {
        OutputStream out = Files.newOutputStream(file, java.nio.file.StandardOpenOption.CREATE_NEW);
        written.add(file);
        return out;
    }

    private static ModelBundle readDirectory(Path directory, BundleLimits limits) {
        Path manifestPath = directory.resolve(MANIFEST_FILE);
        if (!Files.isRegularFile(manifestPath, LinkOption.NOFOLLOW_LINKS)) {
            throw new ModelLoadException(directory + " is not an AnomalyOps model bundle: " + MANIFEST_FILE
                    + " is missing");
        }
        byte[] manifestBytes;
        try {
            if (Files.size(manifestPath) > limits.maxManifestBytes()) {
                throw new ModelLoadException("The manifest of bundle " + directory + " is " + Files.size(manifestPath)
                        + " bytes, more than the limit of " + limits.maxManifestBytes());
            }
            manifestBytes = Files.readAllBytes(manifestPath);
        } catch (IOException e) {
            throw new ModelLoadException("Cannot read " + manifestPath + ": " + e.getMessage(), e);
        }
        JsonNode json;
        try {
            json = Json.parse(manifestBytes);
        } catch (IOException e) {
            throw new ModelLoadException("The manifest of bundle " + directory
                    + " is not valid JSON (truncated or not a bundle): " + firstLine(e.getMessage()), e);
        }
        ModelManifest manifest;
        try {
            manifest = ManifestCodec.read(json);
        } catch (ManifestCodec.ManifestFormatException e) {
            throw new ModelLoadException("The manifest of bundle " + directory + " is invalid: " + e.getMessage(), e);
        }
        if (manifest.files().size() > limits.maxFiles()) {
            throw new ModelLoadException("Bundle " + directory + " lists " + manifest.files().size()
                    + " files but at most " + limits.maxFiles() + " are allowed");
        }
        verifyFiles(directory, manifest);
        return new ModelBundle(directory, manifest, Hashing.sha256Hex(manifestBytes));
    }

    private static void verifyFiles(Path directory, ModelManifest manifest) {
        TreeSet<String> present = new TreeSet<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(directory)) {
            for (Path entry : entries) {
                present.add(entry.getFileName().toString());
            }
        } catch (IOException e) {
            throw new ModelLoadException("Cannot list bundle " + directory + ": " + e.getMessage(), e);
        }
        present.remove(MANIFEST_FILE);
        for (Map.Entry<String, String> file : manifest.files().entrySet()) {
            Path path = directory.resolve(file.getKey());
            if (!present.remove(file.getKey()) || !Files.isRegularFile(path, LinkOption.NOFOLLOW_LINKS)) {
                throw new ModelLoadException("Bundle " + directory + " is incomplete: file \"" + file.getKey()
                        + "\" listed in its manifest is missing");
            }
            String actual;
            try {
                actual = Hashing.sha256Hex(path);
            } catch (IOException e) {
                throw new ModelLoadException("Cannot read " + path + ": " + e.getMessage(), e);
            }
            if (!actual.equals(file.getValue())) {
                throw new ModelLoadException("Bundle " + directory + " is corrupted: file \"" + file.getKey()
                        + "\" has SHA-256 " + actual + " but the manifest says " + file.getValue()
                        + " (truncated or modified after it was written)");
            }
        }
        if (!present.isEmpty()) {
            throw new ModelLoadException("Bundle " + directory + " holds files its manifest does not list: " + present
                    + "; a bundle may only contain the files it declares");
        }
    }

    /** @return the verified manifest */
    public ModelManifest manifest() {
        return manifest;
    }

    /** @return the directory holding the bundle's files */
    public Path directory() {
        return directory;
    }

    /** @return the model file's path */
    public Path modelFile() {
        return directory.resolve(manifest.modelFile());
    }

    /** @return the model's format */
    public ModelFormat format() {
        return manifest.format();
    }

    /** @return the feature schema the model expects */
    public FeatureSchema schema() {
        return manifest.schema();
    }

    /**
     * @param name a file name listed in the manifest
     * @return its path
     * @throws IllegalArgumentException when the manifest does not list that file
     */
    public Path file(String name) {
        if (!manifest.files().containsKey(name)) {
            throw new IllegalArgumentException("Bundle " + manifest.name() + " has no file \"" + name + "\"; it has "
                    + manifest.files().keySet());
        }
        return directory.resolve(name);
    }

    /** @return the drift reference profile's path, when the bundle carries one */
    public Optional<Path> driftReference() {
        return manifest.driftReference().map(directory::resolve);
    }

    /**
     * @return the SHA-256 of the manifest bytes; since the manifest lists every file's checksum, this
     *     identifies the whole bundle
     */
    public String checksum() {
        return checksum;
    }

    /**
     * Writes the bundle as one zip archive with sorted entries and fixed timestamps, so equal bundles give
     * byte-identical archives. The archive appears atomically.
     *
     * @param archive the target file; replaced if it exists
     * @throws StorageException when it cannot be written
     */
    public void writeArchive(Path archive) {
        Path absolute = archive.toAbsolutePath();
        Path temp = absolute.resolveSibling("." + absolute.getFileName() + "." + java.util.UUID.randomUUID() + ".tmp");
        try {
            if (absolute.getParent() != null) {
                Files.createDirectories(absolute.getParent());
            }
            try (OutputStream out = Files.newOutputStream(temp); ZipOutputStream zip = new ZipOutputStream(out)) {
                TreeSet<String> names = new TreeSet<>(manifest.files().keySet());
                names.add(MANIFEST_FILE);
                for (String name : names) {
                    ZipEntry entry = new ZipEntry(name);
                    entry.setTimeLocal(ENTRY_TIME);
                    zip.putNextEntry(entry);
                    Files.copy(directory.resolve(name), zip);
                    zip.closeEntry();
                }
            }
            AtomicFiles.sync(temp);
            AtomicFiles.moveAtomically(temp, absolute);
        } catch (IOException e) {
            throw new StorageException("Cannot write bundle archive " + archive + ": " + e.getMessage(), e);
        } finally {
            try {
                Files.deleteIfExists(temp);
            } catch (IOException ignored) {
                // Best effort: a stray temporary file is harmless and has a recognisable name.
            }
        }
    }

    /**
     * Copies the bundle's files into a new directory and verifies the copy.
     *
     * @param target a directory that must not exist yet
     * @return the copy
     * @throws StorageException when copying fails
     */
    public ModelBundle copyTo(Path target) {
        try {
            Files.createDirectories(target);
            for (String name : manifest.files().keySet()) {
                Files.copy(directory.resolve(name), target.resolve(name));
                AtomicFiles.sync(target.resolve(name));
            }
            Files.copy(directory.resolve(MANIFEST_FILE), target.resolve(MANIFEST_FILE));
            AtomicFiles.sync(target.resolve(MANIFEST_FILE));
            AtomicFiles.syncDirectory(target);
        } catch (IOException e) {
            throw new StorageException("Cannot copy bundle " + manifest.name() + " to " + target + ": " + e.getMessage(), e);
        }
        return readDirectory(target, BundleLimits.defaults());
    }

    /**
     * @param name model name
     * @param version the producer's version label
     * @return a builder that writes a new bundle
     */
    public static Builder builder(String name, String version) {
        return new Builder(name, version);
    }

    @Override
    public String toString() {
        return "ModelBundle[" + manifest.name() + " " + manifest.version() + ", " + manifest.format() + ", " + directory + "]";
    }

    private static boolean isPlainName(String name) {
        return name.equals(MANIFEST_FILE) || name.matches("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "";
        }
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }

    /**
     * Collects a bundle's content and writes it. Not thread-safe. Every field except the model and the
     * schema has a default; {@link #createdAt(Instant)} and {@link #provenance(String, String)} make the output
     * reproducible byte for byte.
     */
    public static final class Builder {
        private final String name;
        private final String version;
        private ModelFormat format;
        private String modelFileName;
        private FeatureSchema schema;
        private double threshold = 0.5;
        private Scaler scaler;
        private final Map<String, Double> metrics = new TreeMap<>();
        private final Map<String, String> hyperParameters = new TreeMap<>();
        private String trainingDataFingerprint = "";
        private Instant createdAt;
        private String driftReference;
        private final Map<String, String> provenance = new TreeMap<>(defaultProvenance());
        private final Map<String, String> metadata = new TreeMap<>();
        private final Map<String, Content> files = new LinkedHashMap<>();

        private Builder(String name, String version) {
            ModelManifest.requireName(name);
            this.name = name;
            this.version = Objects.requireNonNull(version, "version");
        }

        /**
         * @param format the model file's format
         * @param source the model file to copy into the bundle; its file name is kept
         * @return this builder
         */
        public Builder model(ModelFormat format, Path source) {
            return model(format, source.getFileName().toString(), source);
        }

        /**
         * @param format the model file's format
         * @param fileName the model's file name inside the bundle
         * @param source the model file to copy
         * @return this builder
         */
        public Builder model(ModelFormat format, String fileName, Path source) {
            this.format = Objects.requireNonNull(format, "format");
            this.modelFileName = fileName;
            return file(fileName, source);
        }

        /**
         * @param format the model's format
         * @param fileName the model's file name inside the bundle
         * @param content the model bytes
         * @return this builder
         */
        public Builder model(ModelFormat format, String fileName, byte[] content) {
            this.format = Objects.requireNonNull(format, "format");
            this.modelFileName = fileName;
            return file(fileName, content);
        }

        /**
         * @param schema the features the model expects
         * @return this builder
         */
        public Builder schema(FeatureSchema schema) {
            this.schema = Objects.requireNonNull(schema, "schema");
            return this;
        }

        /**
         * @param threshold probability at or above which a row is an anomaly (default 0.5)
         * @return this builder
         */
        public Builder threshold(double threshold) {
            this.threshold = threshold;
            return this;
        }

        /**
         * @param scaler the transform the model was trained behind
         * @return this builder
         */
        public Builder scaler(Scaler scaler) {
            this.scaler = scaler;
            return this;
        }

        /**
         * @param metric metric name
         * @param value its value
         * @return this builder
         */
        public Builder metric(String metric, double value) {
            metrics.put(metric, value);
            return this;
        }

        /**
         * @param values metrics by name
         * @return this builder
         */
        public Builder metrics(Map<String, Double> values) {
            metrics.putAll(values);
            return this;
        }

        /**
         * @param parameter hyper-parameter name
         * @param value its value as text
         * @return this builder
         */
        public Builder hyperParameter(String parameter, String value) {
            hyperParameters.put(parameter, value);
            return this;
        }

        /**
         * @param values hyper-parameters by name
         * @return this builder
         */
        public Builder hyperParameters(Map<String, String> values) {
            hyperParameters.putAll(values);
            return this;
        }

        /**
         * @param fingerprint a digest of the training data
         * @return this builder
         */
        public Builder trainingDataFingerprint(String fingerprint) {
            this.trainingDataFingerprint = Objects.requireNonNull(fingerprint, "fingerprint");
            return this;
        }

        /**
         * @param instant the creation time to record (default: now, truncated to milliseconds)
         * @return this builder
         */
        public Builder createdAt(Instant instant) {
            this.createdAt = Objects.requireNonNull(instant, "instant");
            return this;
        }

        /**
         * @param fileName file name of the drift reference profile inside the bundle
         * @param content the profile
         * @return this builder
         */
        public Builder driftReference(String fileName, byte[] content) {
            this.driftReference = fileName;
            return file(fileName, content);
        }

        /**
         * @param key provenance key (defaults cover the SDK, Java, OS and architecture)
         * @param value its value
         * @return this builder
         */
        public Builder provenance(String key, String value) {
            provenance.put(key, value);
            return this;
        }

        /**
         * @param key metadata key
         * @param value its value
         * @return this builder
         */
        public Builder metadata(String key, String value) {
            metadata.put(key, value);
            return this;
        }

        /**
         * @param fileName an extra file's name inside the bundle
         * @param content its bytes
         * @return this builder
         */
        public Builder file(String fileName, byte[] content) {
            ModelManifest.requireFileName(fileName);
            files.put(fileName, new Content(content.clone(), null));
            return this;
        }

        /**
         * @param fileName an extra file's name inside the bundle
         * @param source a file to copy
         * @return this builder
         */
        public Builder file(String fileName, Path source) {
            ModelManifest.requireFileName(fileName);
            files.put(fileName, new Content(null, source));
            return this;
        }

        /**
         * Writes the bundle into {@code directory} atomically: files go to a temporary sibling that is renamed
         * into place once everything is on disk.
         *
         * @param directory the bundle directory to create; must not exist
         * @return the written, verified bundle
         * @throws IllegalStateException when the model or the schema is missing
         * @throws StorageException when writing fails
         */
        public ModelBundle writeTo(Path directory) {
            if (format == null || modelFileName == null) {
                throw new IllegalStateException("The bundle needs a model: call model(format, file) first");
            }
            if (schema == null) {
                throw new IllegalStateException("The bundle needs a feature schema: call schema(...) first");
            }
            Path absolute = directory.toAbsolutePath();
            if (Files.exists(absolute)) {
                throw new StorageException("Cannot write bundle to " + directory + ": it already exists");
            }
            Path temp = absolute.resolveSibling("." + absolute.getFileName() + "." + java.util.UUID.randomUUID() + ".tmp");
            try {
                Files.createDirectories(temp);
                Map<String, String> checksums = new TreeMap<>();
                for (Map.Entry<String, Content> file : files.entrySet()) {
                    Path out = temp.resolve(file.getKey());
                    Content content = file.getValue();
                    if (content.bytes() != null) {
                        AtomicFiles.writeDurably(out, content.bytes());
                    } else {
                        Files.copy(content.source(), out);
                        AtomicFiles.sync(out);
                    }
                    checksums.put(file.getKey(), Hashing.sha256Hex(out));
                }
                ModelManifest manifest = new ModelManifest(name, version, format, modelFileName, schema, threshold,
                        Optional.ofNullable(scaler), metrics, hyperParameters, trainingDataFingerprint,
                        createdAt != null ? createdAt : Instant.now().truncatedTo(ChronoUnit.MILLIS),
                        Optional.ofNullable(driftReference), provenance, metadata, checksums);
                AtomicFiles.writeDurably(temp.resolve(MANIFEST_FILE), ManifestCodec.write(manifest));
                AtomicFiles.syncDirectory(temp);
                AtomicFiles.moveAtomically(temp, absolute);
                AtomicFiles.syncDirectory(absolute.getParent());
            } catch (IOException e) {
                throw new StorageException("Cannot write bundle " + name + " to " + directory + ": " + e.getMessage(), e);
            } catch (UncheckedIOException e) {
                throw new StorageException("Cannot write bundle " + name + " to " + directory + ": " + e.getMessage(), e);
            } finally {
                try {
                    AtomicFiles.deleteTree(temp);
                } catch (IOException ignored) {
                    // Best effort; the temporary name starts with a dot and ends in .tmp.
                }
            }
            return readDirectory(absolute, BundleLimits.defaults());
        }

        private static Map<String, String> defaultProvenance() {
            Map<String, String> values = new TreeMap<>();
            String sdk = ModelBundle.class.getPackage().getImplementationVersion();
            values.put("sdk.version", sdk != null ? sdk : "development");
            values.put("java.version", System.getProperty("java.version", "unknown"));
            values.put("os.name", System.getProperty("os.name", "unknown"));
            values.put("os.arch", System.getProperty("os.arch", "unknown"));
            return values;
        }

        private record Content(byte[] bytes, Path source) {}
    }

    /** Deletes extracted archives at JVM exit; one hook for all of them. */
    private static final class TemporaryDirectories {
        private static final List<Path> PATHS = new java.util.concurrent.CopyOnWriteArrayList<>();

        static {
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                for (Path path : PATHS) {
                    try {
                        AtomicFiles.deleteTree(path);
                    } catch (IOException ignored) {
                        // The JVM is exiting; nothing better to do with a temp directory that resists.
                    }
                }
            }, "anomalyops-bundle-cleanup"));
        }

        static void deleteOnExit(Path path) {
            PATHS.add(path);
        }
    }
}
