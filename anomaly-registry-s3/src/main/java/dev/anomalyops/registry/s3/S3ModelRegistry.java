package dev.anomalyops.registry.s3;

import dev.anomalyops.core.ConfigurationException;
import dev.anomalyops.core.ModelLoadException;
import dev.anomalyops.core.NonRetriableException;
import dev.anomalyops.core.NotFoundException;
import dev.anomalyops.core.RetriableException;
import dev.anomalyops.core.StorageException;
import dev.anomalyops.core.model.ModelBundle;
import dev.anomalyops.core.model.ModelManifest;
import dev.anomalyops.core.registry.AliasChange;
import dev.anomalyops.core.registry.AliasState;
import dev.anomalyops.core.registry.Aliases;
import dev.anomalyops.core.registry.ModelRegistry;
import dev.anomalyops.core.registry.ModelVersion;
import dev.anomalyops.core.registry.RegistryDocuments;
import java.io.IOException;
import java.nio.file.Files;
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
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.function.UnaryOperator;
import software.amazon.awssdk.core.ResponseBytes;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CommonPrefix;
import software.amazon.awssdk.services.s3.model.DeleteObjectRequest;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.HeadObjectRequest;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * A model registry in an S3 bucket. The layout mirrors the file-system registry:
 *
 * <pre>
 * &lt;prefix&gt;&lt;model&gt;/blobs/&lt;checksum&gt;.zip     bundle archives, content-addressed and immutable
 * &lt;prefix&gt;&lt;model&gt;/versions/&lt;n&gt;.json        one document per version; its creation is the registration
 * &lt;prefix&gt;&lt;model&gt;/aliases/&lt;alias&gt;.json     current target and history of an alias
 * </pre>
 *
 * <p>Concurrency without locks: a version number is claimed by creating {@code versions/<n>.json} with
 * {@code If-None-Match: *}; a writer that loses the race (HTTP 412) tries the next number. The archive is
 * uploaded before the claim, so a claimed version is always complete, and a writer that dies before its
 * claim leaves only an unreferenced blob. Aliases are compare-and-swapped with {@code If-Match} on the
 * document's ETag. Transient S3 failures surface as {@link RetriableException}, permanent ones (access
 * denied, no such bucket) as {@link NonRetriableException}.
 *
 * <pre>{@code
 * S3Client s3 = S3Client.builder().region(Region.EU_WEST_1).build();
 * ModelRegistry registry = S3ModelRegistry.builder(s3, "ml-models").prefix("anomalyops/").build();
 * }</pre>
 *
 * <p>Thread-safe. Opened bundles are cached (verified) in a local directory; version documents, being
 * immutable, are cached in memory.
 */
public final class S3ModelRegistry implements ModelRegistry {
    private static final int MAX_CLAIM_ATTEMPTS = 1000;

    private final S3Client s3;
    private final String bucket;
    private final String prefix;
    private final Path cacheDirectory;
    private final Clock clock;
    private final boolean closeClient;
    private final ConcurrentMap<String, ModelVersion> versionCache = new ConcurrentHashMap<>();

    private S3ModelRegistry(Builder builder) {
        this.s3 = builder.s3;
        this.bucket = builder.bucket;
        this.prefix = builder.prefix;
        this.clock = builder.clock;
        this.closeClient = builder.closeClient;
        try {
            this.cacheDirectory = builder.cacheDirectory != null ? builder.cacheDirectory
                    : Files.createTempDirectory("anomalyops-s3-registry-");
        } catch (IOException e) {
            throw new StorageException("Cannot create a local cache directory for the S3 registry: " + e.getMessage(), e);
        }
    }

    /**
     * @param s3 the client (region, credentials and endpoint are the caller's choice)
     * @param bucket the bucket
     * @return a builder
     */
    public static Builder builder(S3Client s3, String bucket) {
        return new Builder(s3, bucket);
    }

    @Override
    public ModelVersion register(String model, ModelBundle bundle, Map<String, String> tags) {
        ModelManifest.requireName(model);
        Objects.requireNonNull(bundle, "bundle");
        String blobKey = blobKey(model, bundle.checksum());
        Path archive = cacheDirectory.resolve("upload-" + UUID.randomUUID() + ".zip");
        try {
            bundle.writeArchive(archive);
            call("upload bundle " + blobKey, () -> s3.putObject(PutObjectRequest.builder().bucket(bucket).key(blobKey)
                    .contentType("application/zip").build(), RequestBody.fromFile(archive)));
        } finally {
            deleteQuietly(archive);
        }
        int number = highestVersion(model).orElse(0) + 1;
        for (int attempt = 0; attempt < MAX_CLAIM_ATTEMPTS; attempt++, number++) {
            ModelVersion version = new ModelVersion(model, number, bundle.checksum(), bundle.manifest().version(),
                    bundle.format().id(), bundle.schema().fingerprint(), now(), tags);
            String key = versionKey(model, number);
            try {
                s3.putObject(PutObjectRequest.builder().bucket(bucket).key(key).ifNoneMatch("*")
                        .contentType("application/json").build(),
                        RequestBody.fromBytes(RegistryDocuments.writeVersion(version)));
                versionCache.put(key, version);
                return version;
            } catch (S3Exception e) {
                if (!isConflict(e)) {
                    throw map("claim version " + number + " of model \"" + model + "\"", e);
                }
                // Another writer claimed this number first: skip past everything that exists now.
                number = Math.max(number, highestVersion(model).orElse(0));
            } catch (SdkException e) {
                throw map("claim version " + number + " of model \"" + model + "\"", e);
            }
        }
        throw new RetriableException("Could not claim a version number for model \"" + model + "\" after "
                + MAX_CLAIM_ATTEMPTS + " attempts; too many concurrent writers");
    }

    @Override
    public List<String> models() {
        List<String> models = new ArrayList<>();
        String token = null;
        do {
            String continuation = token;
            ListObjectsV2Response page = call("list models", () -> s3.listObjectsV2(ListObjectsV2Request.builder()
                    .bucket(bucket).prefix(prefix).delimiter("/").continuationToken(continuation).build()));
            for (CommonPrefix common : page.commonPrefixes()) {
                String name = common.prefix().substring(prefix.length(), common.prefix().length() - 1);
                if (isValidName(name) && highestVersion(name).isPresent()) {
                    models.add(name);
                }
            }
            token = Boolean.TRUE.equals(page.isTruncated()) ? page.nextContinuationToken() : null;
        } while (token != null);
        models.sort(null);
        return models;
    }

    @Override
    public List<ModelVersion> versions(String model) {
        List<ModelVersion> versions = new ArrayList<>();
        if (!isValidName(model)) {
            return versions;
        }
        for (int number : versionNumbers(model)) {
            find(model, number).ifPresent(versions::add);
        }
        return versions;
    }

    @Override
    public Optional<ModelVersion> find(String model, int version) {
        if (version < 1 || !isValidName(model)) {
            return Optional.empty();
        }
        String key = versionKey(model, version);
        ModelVersion cached = versionCache.get(key);
        if (cached != null) {
            return Optional.of(cached);
        }
        Optional<byte[]> bytes = get(key).map(ResponseBytes::asByteArray);
        bytes.ifPresent(b -> versionCache.put(key, RegistryDocuments.readVersion(b, "s3://" + bucket + "/" + key)));
        return Optional.ofNullable(versionCache.get(key));
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
        String key = aliasKey(model, alias);
        call("delete alias " + key, () -> s3.deleteObject(DeleteObjectRequest.builder().bucket(bucket).key(key).build()));
    }

    @Override
    public Optional<ModelVersion> resolve(String model, String alias) {
        Aliases.requireValid(alias);
        if (!isValidName(model)) {
            return Optional.empty();
        }
        return get(aliasKey(model, alias))
                .map(b -> RegistryDocuments.readAlias(b.asByteArray(), aliasKey(model, alias)))
                .flatMap(state -> find(model, state.version()));
    }

    @Override
    public Map<String, Integer> aliases(String model) {
        Map<String, Integer> aliases = new TreeMap<>();
        if (!isValidName(model)) {
            return aliases;
        }
        String aliasPrefix = prefix + model + "/aliases/";
        for (S3Object object : list(aliasPrefix)) {
            String alias = object.key().substring(aliasPrefix.length()).replaceFirst("\\.json$", "");
            get(object.key()).ifPresent(b -> aliases.put(alias,
                    RegistryDocuments.readAlias(b.asByteArray(), object.key()).version()));
        }
        return aliases;
    }

    @Override
    public ModelBundle open(ModelVersion version) {
        Path directory = cacheDirectory.resolve(version.model()).resolve(Integer.toString(version.version()));
        if (Files.isDirectory(directory)) {
            try {
                ModelBundle cached = ModelBundle.read(directory);
                if (cached.checksum().equals(version.bundleChecksum())) {
                    return cached;
                }
            } catch (ModelLoadException e) {
                // A damaged cache entry: fetch again below.
            }
        }
        String key = blobKey(version.model(), version.bundleChecksum());
        Path archive = cacheDirectory.resolve("download-" + UUID.randomUUID() + ".zip");
        Path extracted = cacheDirectory.resolve("extract-" + UUID.randomUUID());
        try {
            call("download bundle " + key, () -> s3.getObject(GetObjectRequest.builder().bucket(bucket).key(key).build(),
                    archive));
            ModelBundle bundle = ModelBundle.read(archive);
            if (!bundle.checksum().equals(version.bundleChecksum())) {
                throw new ModelLoadException("Bundle s3://" + bucket + "/" + key + " has checksum " + bundle.checksum()
                        + " but version " + version.ref() + " was registered with " + version.bundleChecksum());
            }
            deleteTree(directory);
            Files.createDirectories(directory.getParent());
            return bundle.copyTo(extracted).copyTo(directory);
        } catch (IOException e) {
            throw new StorageException("Cannot cache bundle " + version.ref() + " in " + cacheDirectory + ": "
                    + e.getMessage(), e);
        } finally {
            deleteQuietly(archive);
            deleteTree(extracted);
        }
    }

    @Override
    public void close() {
        if (closeClient) {
            s3.close();
        }
    }

    private AliasChange updateAlias(String model, String alias, UnaryOperator<AliasState> change) {
        ModelManifest.requireName(model);
        String key = aliasKey(model, alias);
        for (int attempt = 0; attempt < MAX_CLAIM_ATTEMPTS; attempt++) {
            Optional<ResponseBytes<GetObjectResponse>> existing = get(key);
            AliasState current = existing.map(b -> RegistryDocuments.readAlias(b.asByteArray(), key)).orElse(null);
            AliasState next = change.apply(current);
            AliasChange result = new AliasChange(model, alias,
                    current == null ? OptionalInt.empty() : OptionalInt.of(current.version()), next.version());
            if (next == current) {
                return result;
            }
            PutObjectRequest.Builder put = PutObjectRequest.builder().bucket(bucket).key(key)
                    .contentType("application/json");
            if (existing.isPresent()) {
                put.ifMatch(existing.get().response().eTag());
            } else {
                put.ifNoneMatch("*");
            }
            try {
                s3.putObject(put.build(), RequestBody.fromBytes(RegistryDocuments.writeAlias(next)));
                return result;
            } catch (S3Exception e) {
                if (!isConflict(e)) {
                    throw map("move alias " + key, e);
                }
                // Someone moved the alias between our read and our write: read again and re-apply.
            } catch (SdkException e) {
                throw map("move alias " + key, e);
            }
        }
        throw new RetriableException("Could not move alias \"" + alias + "\" of model \"" + model + "\" after "
                + MAX_CLAIM_ATTEMPTS + " attempts; too many concurrent writers");
    }

    private Optional<ResponseBytes<GetObjectResponse>> get(String key) {
        try {
            return Optional.of(s3.getObjectAsBytes(GetObjectRequest.builder().bucket(bucket).key(key).build()));
        } catch (NoSuchKeyException e) {
            return Optional.empty();
        } catch (S3Exception e) {
            if (e.statusCode() == 404) {
                return Optional.empty();
            }
            throw map("read s3://" + bucket + "/" + key, e);
        } catch (SdkException e) {
            throw map("read s3://" + bucket + "/" + key, e);
        }
    }

    private List<S3Object> list(String keyPrefix) {
        List<S3Object> objects = new ArrayList<>();
        String token = null;
        do {
            String continuation = token;
            ListObjectsV2Response page = call("list " + keyPrefix, () -> s3.listObjectsV2(ListObjectsV2Request.builder()
                    .bucket(bucket).prefix(keyPrefix).continuationToken(continuation).build()));
            objects.addAll(page.contents());
            token = Boolean.TRUE.equals(page.isTruncated()) ? page.nextContinuationToken() : null;
        } while (token != null);
        return objects;
    }

    private List<Integer> versionNumbers(String model) {
        String versionPrefix = prefix + model + "/versions/";
        List<Integer> numbers = new ArrayList<>();
        for (S3Object object : list(versionPrefix)) {
            String name = object.key().substring(versionPrefix.length());
            if (name.matches("[1-9][0-9]{0,8}\\.json")) {
                numbers.add(Integer.parseInt(name.substring(0, name.length() - 5)));
            }
        }
        numbers.sort(null);
        return numbers;
    }

    private OptionalInt highestVersion(String model) {
        List<Integer> numbers = versionNumbers(model);
        return numbers.isEmpty() ? OptionalInt.empty() : OptionalInt.of(numbers.get(numbers.size() - 1));
    }

    private String blobKey(String model, String checksum) {
        return prefix + model + "/blobs/" + checksum + ".zip";
    }

    private String versionKey(String model, int version) {
        return prefix + model + "/versions/" + version + ".json";
    }

    private String aliasKey(String model, String alias) {
        return prefix + model + "/aliases/" + alias + ".json";
    }

    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MILLIS);
    }

    /** S3 answers a lost conditional write with 412; some implementations use 409 while another write is in flight. */
    private static boolean isConflict(S3Exception e) {
        return e.statusCode() == 412 || e.statusCode() == 409;
    }

    private <T> T call(String what, java.util.function.Supplier<T> request) {
        try {
            return request.get();
        } catch (SdkException e) {
            throw map(what, e);
        }
    }

    private RuntimeException map(String what, SdkException e) {
        String message = "S3 registry s3://" + bucket + "/" + prefix + ": cannot " + what + ": " + e.getMessage();
        if (e instanceof S3Exception s3e) {
            int status = s3e.statusCode();
            if (status >= 500 || status == 429) {
                return new RetriableException(message, e);
            }
            if (status == 403 || status == 401 || status == 400 || status == 404) {
                return new NonRetriableException(message, e);
            }
            return new StorageException(message, e);
        }
        if (e instanceof SdkClientException) {
            return new RetriableException(message, e);
        }
        return new StorageException(message, e);
    }

    private static boolean isValidName(String model) {
        try {
            ModelManifest.requireName(model);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException ignored) {
            // A stray temporary file in our own cache directory is harmless.
        }
    }

    private static void deleteTree(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try (var paths = Files.walk(root)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(S3ModelRegistry::deleteQuietly);
        } catch (IOException ignored) {
            // Best effort on our own cache.
        }
    }

    @Override
    public String toString() {
        return "S3ModelRegistry[s3://" + bucket + "/" + prefix + "]";
    }

    /** Configures an {@link S3ModelRegistry}; {@link #build()} reports every invalid value at once. */
    public static final class Builder {
        private final S3Client s3;
        private final String bucket;
        private String prefix = "";
        private Path cacheDirectory;
        private Clock clock = Clock.systemUTC();
        private boolean closeClient;

        private Builder(S3Client s3, String bucket) {
            this.s3 = Objects.requireNonNull(s3, "s3");
            this.bucket = Objects.requireNonNull(bucket, "bucket");
        }

        /**
         * @param prefix key prefix under which the registry lives, e.g. {@code models/}; a trailing slash is added
         * @return this builder
         */
        public Builder prefix(String prefix) {
            this.prefix = prefix.isEmpty() || prefix.endsWith("/") ? prefix : prefix + "/";
            return this;
        }

        /**
         * @param directory where opened bundles are cached (default: a new temporary directory)
         * @return this builder
         */
        public Builder cacheDirectory(Path directory) {
            this.cacheDirectory = directory;
            return this;
        }

        /**
         * @param clock stamps registrations and alias moves
         * @return this builder
         */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /**
         * @param close whether {@link S3ModelRegistry#close()} closes the S3 client (default false: the caller owns it)
         * @return this builder
         */
        public Builder closeClient(boolean close) {
            this.closeClient = close;
            return this;
        }

        /**
         * @return the registry
         * @throws ConfigurationException listing every invalid value
         */
        public S3ModelRegistry build() {
            List<String> problems = new ArrayList<>();
            if (!bucket.matches("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]")) {
                problems.add("bucket was \"" + bucket + "\" but S3 bucket names are 3-63 lower-case letters, digits, '.' and '-'");
            }
            if (prefix.startsWith("/")) {
                problems.add("prefix was \"" + prefix + "\" but S3 keys must not start with '/'");
            }
            if (!problems.isEmpty()) {
                throw new ConfigurationException(problems);
            }
            return new S3ModelRegistry(this);
        }
    }
}
