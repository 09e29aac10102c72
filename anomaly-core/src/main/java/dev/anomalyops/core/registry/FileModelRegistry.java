package dev.anomalyops.core.registry;

import dev.anomalyops.core.ModelLoadException;
import dev.anomalyops.core.NotFoundException;
import dev.anomalyops.core.StorageException;
import dev.anomalyops.core.internal.AtomicFiles;
import dev.anomalyops.core.internal.ProcessLock;
import dev.anomalyops.core.model.ModelBundle;
import dev.anomalyops.core.model.ModelManifest;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.TreeMap;
import java.util.UUID;

/**
 * The embedded default registry: a directory tree on a local file system.
 *
 * <pre>
 * root/&lt;model&gt;/.lock                     writers of this model take an OS file lock on it
 * root/&lt;model&gt;/.staging/&lt;uuid&gt;/          a registration in progress (invisible)
 * root/&lt;model&gt;/versions/&lt;n&gt;/bundle/      the bundle's files
 * root/&lt;model&gt;/versions/&lt;n&gt;/version.json registry metadata (tags, checksum, time)
 * root/&lt;model&gt;/aliases/&lt;alias&gt;.json      current target and history
 * </pre>
 *
 * <p>A version is assembled under {@code .staging}, forced to disk, then renamed to {@code versions/<n>} in
 * one atomic step while the model's lock is held, so readers never see a partial version and two processes
 * never get the same number. Alias files are replaced by atomic rename. A writer that dies mid-way leaves
 * only a staging directory, which the next writer removes. Readers take no lock. Thread-safe, and safe for
 * several processes on one machine (the lock is an OS file lock: do not share the directory over NFS).
 */
public final class FileModelRegistry implements ModelRegistry {
    private static final String VERSIONS = "versions";
    private static final String ALIASES = "aliases";
    private static final String STAGING = ".staging";
    private static final String VERSION_FILE = "version.json";
    private static final String BUNDLE_DIR = "bundle";

    private final Path root;
    private final Clock clock;

    private FileModelRegistry(Path root, Clock clock) {
        this.root = root.toAbsolutePath().normalize();
        this.clock = Objects.requireNonNull(clock, "clock");
        try {
            Files.createDirectories(this.root);
        } catch (IOException e) {
            throw new StorageException("Cannot create registry directory " + root + ": " + e.getMessage(), e);
        }
    }

    /**
     * @param root the registry directory; created when absent
     * @return the registry
     */
    public static FileModelRegistry open(Path root) {
        return new FileModelRegistry(root, Clock.systemUTC());
    }

    /**
     * @param root the registry directory; created when absent
     * @param clock the clock that stamps registrations and alias moves
     * @return the registry
     */
    public static FileModelRegistry open(Path root, Clock clock) {
        return new FileModelRegistry(root, clock);
    }

    /** @return the registry directory */
    public Path root() {
        return root;
    }

    @Override
    public ModelVersion register(String model, ModelBundle bundle, Map<String, String> tags) {
        ModelManifest.requireName(model);
        Objects.requireNonNull(bundle, "bundle");
        Path modelDir = root.resolve(model);
        try {
            Files.createDirectories(modelDir.resolve(VERSIONS));
            try (ProcessLock lock = ProcessLock.acquire(modelDir.resolve(".lock"))) {
                // Anything staged when we hold the lock belongs to a writer that died: remove it.
                AtomicFiles.deleteTree(modelDir.resolve(STAGING));
                Path staging = modelDir.resolve(STAGING).resolve(UUID.randomUUID().toString());
                try {
                    Files.createDirectories(staging);
                    bundle.copyTo(staging.resolve(BUNDLE_DIR));
                    int number = highestVersion(modelDir).orElse(0) + 1;
                    ModelVersion version = new ModelVersion(model, number, bundle.checksum(),
                            bundle.manifest().version(), bundle.format().id(), bundle.schema().fingerprint(), now(),
                            tags);
                    AtomicFiles.writeDurably(staging.resolve(VERSION_FILE), RegistryDocuments.writeVersion(version));
                    AtomicFiles.syncDirectory(staging);
                    Path target = modelDir.resolve(VERSIONS).resolve(Integer.toString(number));
                    AtomicFiles.moveAtomically(staging, target);
                    AtomicFiles.syncDirectory(modelDir.resolve(VERSIONS));
                    return version;
                } catch (IOException | RuntimeException e) {
                    // On a full disk, give the space of the half-copied bundle back at once rather than at the
                    // next registration (the staging directory was never visible as a version).
                    deleteQuietly(staging);
                    throw e;
                }
            }
        } catch (IOException e) {
            throw new StorageException("Cannot register a version of model \"" + model + "\" in " + root + ": "
                    + e.getMessage() + "; no partial version was made visible", e);
        }
    }

    @Override
    public List<String> models() {
        List<String> models = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(root)) {
            for (Path entry : entries) {
                String name = entry.getFileName().toString();
                if (Files.isDirectory(entry.resolve(VERSIONS)) && highestVersion(entry).isPresent()) {
                    models.add(name);
                }
            }
        } catch (IOException e) {
            throw new StorageException("Cannot list registry " + root + ": " + e.getMessage(), e);
        }
        models.sort(null);
        return models;
    }

    @Override
    public List<ModelVersion> versions(String model) {
        List<ModelVersion> versions = new ArrayList<>();
        for (int number : versionNumbers(root.resolve(model))) {
            readVersion(model, number).ifPresent(versions::add);
        }
        return versions;
    }

    @Override
    public Optional<ModelVersion> find(String model, int version) {
        if (version < 1 || !isValidName(model)) {
            return Optional.empty();
        }
        return readVersion(model, version);
    }

    @Override
    public List<ModelVersion> search(Map<String, String> tags) {
        List<ModelVersion> matches = new ArrayList<>();
        for (String model : models()) {
            for (ModelVersion version : versions(model)) {
                if (version.tags().entrySet().containsAll(tags.entrySet())) {
                    matches.add(version);
                }
            }
        }
        return matches;
    }

    @Override
    public AliasChange setAlias(String model, String alias, int version) {
        Aliases.requireValid(alias);
        get(model, version);
        return updateAlias(model, alias, current -> current == null
                ? new AliasState(version, List.of(), now())
                : current.version() == version ? current : current.movedTo(version, now()));
    }

    @Override
    public AliasChange rollback(String model, String alias) {
        Aliases.requireValid(alias);
        return updateAlias(model, alias, current -> {
            if (current == null) {
                throw new NotFoundException("Model \"" + model + "\" has no alias \"" + alias + "\" to roll back");
            }
            if (current.history().isEmpty()) {
                throw new NotFoundException("Alias \"" + alias + "\" of model \"" + model + "\" has no earlier target"
                        + " to roll back to (it has pointed at version " + current.version() + " only)");
            }
            return current.rolledBack(now());
        });
    }

    @Override
    public void deleteAlias(String model, String alias) {
        Aliases.requireValid(alias);
        Path modelDir = root.resolve(model);
        if (!Files.isDirectory(modelDir)) {
            return;
        }
        try (ProcessLock lock = ProcessLock.acquire(modelDir.resolve(".lock"))) {
            Files.deleteIfExists(aliasFile(model, alias));
            AtomicFiles.syncDirectory(modelDir.resolve(ALIASES));
        } catch (IOException e) {
            throw new StorageException("Cannot delete alias \"" + alias + "\" of model \"" + model + "\": "
                    + e.getMessage(), e);
        }
    }

    @Override
    public Optional<ModelVersion> resolve(String model, String alias) {
        Aliases.requireValid(alias);
        if (!isValidName(model)) {
            return Optional.empty();
        }
        return readAlias(model, alias).flatMap(state -> find(model, state.version()));
    }

    @Override
    public Map<String, Integer> aliases(String model) {
        Map<String, Integer> aliases = new TreeMap<>();
        Path dir = root.resolve(model).resolve(ALIASES);
        if (!isValidName(model) || !Files.isDirectory(dir)) {
            return aliases;
        }
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir, "*.json")) {
            for (Path entry : entries) {
                String name = entry.getFileName().toString();
                String alias = name.substring(0, name.length() - ".json".length());
                readAlias(model, alias).ifPresent(state -> aliases.put(alias, state.version()));
            }
        } catch (IOException e) {
            throw new StorageException("Cannot list aliases of model \"" + model + "\": " + e.getMessage(), e);
        }
        return aliases;
    }

    @Override
    public ModelBundle open(ModelVersion version) {
        Path bundle = root.resolve(version.model()).resolve(VERSIONS).resolve(Integer.toString(version.version()))
                .resolve(BUNDLE_DIR);
        if (!Files.isDirectory(bundle)) {
            throw new NotFoundException("Model \"" + version.model() + "\" has no version " + version.version()
                    + " in registry " + root);
        }
        ModelBundle read = ModelBundle.read(bundle);
        // The manifest lists every file's checksum but nothing checks the manifest itself: compare it with the
        // checksum recorded at registration, so a manifest edited on disk (still well-formed) is not served.
        if (!read.checksum().equals(version.bundleChecksum())) {
            throw new ModelLoadException("Bundle of model \"" + version.model() + "\" version " + version.version()
                    + " in " + bundle + " has checksum " + read.checksum() + " but the registry recorded "
                    + version.bundleChecksum() + " (modified after registration)");
        }
        return read;
    }

    private AliasChange updateAlias(String model, String alias, java.util.function.UnaryOperator<AliasState> change) {
        ModelManifest.requireName(model);
        Path modelDir = root.resolve(model);
        try {
            Files.createDirectories(modelDir.resolve(ALIASES));
            try (ProcessLock lock = ProcessLock.acquire(modelDir.resolve(".lock"))) {
                AliasState current = readAlias(model, alias).orElse(null);
                AliasState next = change.apply(current);
                if (next != current) {
                    AtomicFiles.write(aliasFile(model, alias), RegistryDocuments.writeAlias(next));
                }
                return new AliasChange(model, alias,
                        current == null ? OptionalInt.empty() : OptionalInt.of(current.version()), next.version());
            }
        } catch (IOException e) {
            throw new StorageException("Cannot move alias \"" + alias + "\" of model \"" + model + "\": "
                    + e.getMessage() + "; the alias is unchanged", e);
        }
    }

    private Optional<AliasState> readAlias(String model, String alias) {
        Path file = aliasFile(model, alias);
        try {
            return Optional.of(RegistryDocuments.readAlias(Files.readAllBytes(file), file.toString()));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new StorageException("Cannot read alias file " + file + ": " + e.getMessage(), e);
        }
    }

    private Optional<ModelVersion> readVersion(String model, int number) {
        Path file = root.resolve(model).resolve(VERSIONS).resolve(Integer.toString(number)).resolve(VERSION_FILE);
        try {
            return Optional.of(RegistryDocuments.readVersion(Files.readAllBytes(file), file.toString()));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new StorageException("Cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    private Path aliasFile(String model, String alias) {
        return root.resolve(model).resolve(ALIASES).resolve(alias + ".json");
    }

    private static OptionalInt highestVersion(Path modelDir) {
        List<Integer> numbers = versionNumbers(modelDir);
        return numbers.isEmpty() ? OptionalInt.empty() : OptionalInt.of(numbers.get(numbers.size() - 1));
    }

    private static List<Integer> versionNumbers(Path modelDir) {
        List<Integer> numbers = new ArrayList<>();
        Path versions = modelDir.resolve(VERSIONS);
        if (!Files.isDirectory(versions)) {
            return numbers;
        }
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(versions)) {
            for (Path entry : entries) {
                String name = entry.getFileName().toString();
                if (name.matches("[1-9][0-9]{0,8}")) {
                    numbers.add(Integer.parseInt(name));
                }
            }
        } catch (IOException e) {
            throw new StorageException("Cannot list versions in " + versions + ": " + e.getMessage(), e);
        }
        numbers.sort(null);
        return numbers;
    }

    private static boolean isValidName(String model) {
        try {
            ModelManifest.requireName(model);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static void deleteQuietly(Path directory) {
        try {
            AtomicFiles.deleteTree(directory);
        } catch (IOException ignored) {
            // The next writer removes whatever is left under .staging.
        }
    }

    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MILLIS);
    }

    @Override
    public String toString() {
        return "FileModelRegistry[" + root + "]";
    }
}
