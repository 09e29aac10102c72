package dev.anomalyops.features.parquet;

import dev.anomalyops.core.StorageException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.stream.Stream;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.core.sync.ResponseTransformer;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * Where datasets live: a local folder (the embedded default) or an S3 bucket and prefix. Keys are relative,
 * slash-separated paths such as {@code metrics/dt=2024-01-01/hour=13/part-ec2.parquet}. Writes replace whole
 * objects, so writing the same key again is idempotent.
 */
public interface Storage {
    /**
     * Stores a local file under a key, replacing what was there.
     *
     * @param key the relative key
     * @param file the local file
     * @throws StorageException when it cannot be stored
     */
    void put(String key, Path file);

    /**
     * Stores bytes under a key, replacing what was there.
     *
     * @param key the relative key
     * @param bytes the content
     * @throws StorageException when it cannot be stored
     */
    void putBytes(String key, byte[] bytes);

    /**
     * @param key the relative key
     * @return the content, or empty when there is no such key
     * @throws StorageException when it cannot be read
     */
    java.util.Optional<byte[]> getBytes(String key);

    /**
     * Copies an object to a local file.
     *
     * @param key the relative key
     * @param target the local file to write
     * @throws StorageException when it cannot be read (including a missing key)
     */
    void get(String key, Path target);

    /**
     * @param prefix a key prefix
     * @return every key under it, sorted
     * @throws StorageException when listing fails
     */
    List<String> list(String prefix);

    /** @return where this storage points, for messages */
    String describe();

    /**
     * @param root a local folder (created when needed)
     * @return storage in that folder
     */
    static Storage local(Path root) {
        return new Local(root);
    }

    /**
     * @param s3 the client (not closed by the storage)
     * @param bucket the bucket
     * @param prefix a key prefix ending in {@code /}, or empty
     * @return storage in that bucket
     */
    static Storage s3(S3Client s3, String bucket, String prefix) {
        return new S3(s3, bucket, prefix);
    }

    /** A local folder. */
    final class Local implements Storage {
        private final Path root;

        private Local(Path root) {
            this.root = Objects.requireNonNull(root, "root").toAbsolutePath();
        }

        private Path resolve(String key) {
            Path p = root.resolve(key).normalize();
            if (!p.startsWith(root)) {
                throw new IllegalArgumentException("Key \"" + key + "\" leaves the storage folder");
            }
            return p;
        }

        @Override
        public void put(String key, Path file) {
            Path target = resolve(key);
            try {
                Files.createDirectories(target.getParent());
                Path tmp = target.resolveSibling("." + target.getFileName() + ".tmp");
                Files.copy(file, tmp, StandardCopyOption.REPLACE_EXISTING);
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (IOException e) {
                throw new StorageException("Cannot store \"" + key + "\" in \"" + root + "\": " + e.getMessage(), e);
            }
        }

        @Override
        public void putBytes(String key, byte[] bytes) {
            Path target = resolve(key);
            try {
                Files.createDirectories(target.getParent());
                Path tmp = target.resolveSibling("." + target.getFileName() + ".tmp");
                Files.write(tmp, bytes);
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (IOException e) {
                throw new StorageException("Cannot store \"" + key + "\" in \"" + root + "\": " + e.getMessage(), e);
            }
        }

        @Override
        public java.util.Optional<byte[]> getBytes(String key) {
            Path p = resolve(key);
            try {
                return Files.exists(p) ? java.util.Optional.of(Files.readAllBytes(p)) : java.util.Optional.empty();
            } catch (IOException e) {
                throw new StorageException("Cannot read \"" + key + "\" in \"" + root + "\": " + e.getMessage(), e);
            }
        }

        @Override
        public void get(String key, Path target) {
            try {
                Files.copy(resolve(key), target, StandardCopyOption.REPLACE_EXISTING);
            } catch (IOException e) {
                throw new StorageException("Cannot read \"" + key + "\" in \"" + root + "\": " + e.getMessage(), e);
            }
        }

        @Override
        public List<String> list(String prefix) {
            if (!Files.isDirectory(root)) {
                return List.of();
            }
            try (Stream<Path> files = Files.walk(root)) {
                return files.filter(Files::isRegularFile)
                        .filter(p -> !p.getFileName().toString().startsWith("."))
                        .map(p -> root.relativize(p).toString().replace('\\', '/'))
                        .filter(k -> k.startsWith(prefix)).sorted().toList();
            } catch (IOException e) {
                throw new StorageException("Cannot list \"" + root + "\": " + e.getMessage(), e);
            }
        }

        @Override
        public String describe() {
            return root.toString();
        }
    }

    /** An S3 bucket and prefix. */
    final class S3 implements Storage {
        private final S3Client s3;
        private final String bucket;
        private final String prefix;

        private S3(S3Client s3, String bucket, String prefix) {
            this.s3 = Objects.requireNonNull(s3, "s3");
            this.bucket = Objects.requireNonNull(bucket, "bucket");
            this.prefix = prefix.isEmpty() || prefix.endsWith("/") ? prefix : prefix + "/";
        }

        @Override
        public void put(String key, Path file) {
            try {
                s3.putObject(PutObjectRequest.builder().bucket(bucket).key(prefix + key).build(), RequestBody.fromFile(file));
            } catch (S3Exception e) {
                throw new StorageException("Cannot store \"" + key + "\" in " + describe() + ": " + e.getMessage(), e);
            }
        }

        @Override
        public void putBytes(String key, byte[] bytes) {
            try {
                s3.putObject(PutObjectRequest.builder().bucket(bucket).key(prefix + key).build(), RequestBody.fromBytes(bytes));
            } catch (S3Exception e) {
                throw new StorageException("Cannot store \"" + key + "\" in " + describe() + ": " + e.getMessage(), e);
            }
        }

        @Override
        public java.util.Optional<byte[]> getBytes(String key) {
            try {
                return java.util.Optional.of(s3.getObjectAsBytes(GetObjectRequest.builder().bucket(bucket).key(prefix + key)
                        .build()).asByteArray());
            } catch (NoSuchKeyException e) {
                return java.util.Optional.empty();
            } catch (S3Exception e) {
                throw new StorageException("Cannot read \"" + key + "\" in " + describe() + ": " + e.getMessage(), e);
            }
        }

        @Override
        public void get(String key, Path target) {
            try {
                Files.deleteIfExists(target);
                s3.getObject(GetObjectRequest.builder().bucket(bucket).key(prefix + key).build(),
                        ResponseTransformer.toFile(target));
            } catch (S3Exception | IOException e) {
                throw new StorageException("Cannot read \"" + key + "\" in " + describe() + ": " + e.getMessage(), e);
            }
        }

        @Override
        public List<String> list(String keyPrefix) {
            List<String> keys = new ArrayList<>();
            try {
                String token = null;
                do {
                    ListObjectsV2Response page = s3.listObjectsV2(ListObjectsV2Request.builder().bucket(bucket)
                            .prefix(prefix + keyPrefix).continuationToken(token).build());
                    for (S3Object o : page.contents()) {
                        keys.add(o.key().substring(prefix.length()));
                    }
                    token = Boolean.TRUE.equals(page.isTruncated()) ? page.nextContinuationToken() : null;
                } while (token != null);
            } catch (S3Exception e) {
                throw new StorageException("Cannot list " + describe() + ": " + e.getMessage(), e);
            }
            keys.sort(null);
            return keys;
        }

        @Override
        public String describe() {
            return "s3://" + bucket + "/" + prefix;
        }
    }
}
