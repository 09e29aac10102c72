package dev.anomalyops.app.server;

import dev.anomalyops.core.ConfigurationException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.LongSupplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The bearer tokens one server role accepts: one per line in a file (blank lines and {@code #} comments skipped),
 * plus optional fixed tokens (the {@code $ANOMALYOPS_ADMIN_TOKEN} of earlier releases). The file is re-read when its
 * modification time or size changes, looked at most once a second, so a rotated Kubernetes secret takes effect
 * without a restart; a file that becomes unreadable or invalid keeps the previous tokens and logs why (never the
 * tokens). Only SHA-256 digests are kept, and a presented token is compared with every digest in constant time, so
 * neither the match nor its position leaks through timing. Thread-safe.
 */
final class TokenFile {
    private static final Logger LOG = LoggerFactory.getLogger(TokenFile.class);
    /** Shortest token accepted: 16 characters, about 96 bits from a random base64 generator. */
    static final int MIN_LENGTH = 16;
    private static final long CHECK_EVERY_NANOS = 1_000_000_000L;

    private final String role;
    private final @Nullable Path file;
    private final List<byte[]> fixed;
    private final LongSupplier nanoTime;
    private volatile List<byte[]> digests;
    private volatile long checkedAt;
    private volatile @Nullable FileTime modified;
    private volatile long size;

    /**
     * @param role what the tokens open, for messages ("admin", "inference")
     * @param file the token file; null for fixed tokens only
     * @param fixed tokens accepted besides the file's
     * @param nanoTime monotonic time (tests drive it)
     * @throws ConfigurationException when the file is missing, empty or holds a token that is too short
     */
    TokenFile(String role, @Nullable Path file, List<String> fixed, LongSupplier nanoTime) {
        this.role = role;
        this.file = file;
        this.nanoTime = nanoTime;
        List<byte[]> fixedDigests = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        for (String token : fixed) {
            check(token, "the fixed " + role + " token", problems);
            fixedDigests.add(digest(token));
        }
        this.fixed = List.copyOf(fixedDigests);
        if (file != null) {
            problems.addAll(load());
        }
        if (!problems.isEmpty()) {
            throw new ConfigurationException(problems);
        }
        if (digests == null) {
            digests = this.fixed;
        }
        checkedAt = nanoTime.getAsLong();
    }

    /** @return whether any token is configured (else the role is disabled) */
    boolean enabled() {
        return !digests.isEmpty();
    }

    /** @return how many tokens are accepted now */
    int count() {
        return digests.size();
    }

    /**
     * @param presented the token a caller sent
     * @return whether it is one of the accepted tokens
     */
    boolean accepts(String presented) {
        reloadIfChanged();
        byte[] candidate = digest(presented);
        boolean match = false;
        for (byte[] token : digests) {
            match |= MessageDigest.isEqual(candidate, token); // no early exit: every token costs the same
        }
        return match;
    }

    private void reloadIfChanged() {
        long now = nanoTime.getAsLong();
        if (file == null || now - checkedAt < CHECK_EVERY_NANOS) {
            return;
        }
        synchronized (this) {
            if (now - checkedAt < CHECK_EVERY_NANOS) {
                return;
            }
            checkedAt = now;
            try {
                if (Objects.equals(Files.getLastModifiedTime(file), modified) && Files.size(file) == size) {
                    return;
                }
            } catch (IOException e) {
                LOG.warn("Cannot read the {} token file \"{}\" ({}); keeping the {} token(s) loaded before", role, file,
                        e.getClass().getSimpleName(), digests.size());
                return;
            }
            int before = digests.size();
            List<String> problems = load();
            if (problems.isEmpty()) {
                LOG.info("Reloaded the {} token file \"{}\": {} token(s), {} before", role, file, digests.size(), before);
            } else {
                LOG.warn("The {} token file \"{}\" changed but is invalid ({}); keeping the {} token(s) loaded before",
                        role, file, String.join("; ", problems), before);
            }
        }
    }

    /** Reads the file; on success replaces the digests, else returns the problems and keeps them. */
    private List<String> load() {
        Path path = Objects.requireNonNull(file);
        List<String> problems = new ArrayList<>();
        List<byte[]> loaded = new ArrayList<>(fixed);
        try {
            FileTime time = Files.getLastModifiedTime(path);
            long length = Files.size(path);
            List<String> lines = Files.readAllLines(path, StandardCharsets.UTF_8);
            int tokens = 0;
            for (int i = 0; i < lines.size(); i++) {
                String line = lines.get(i).strip();
                if (line.isEmpty() || line.startsWith("#")) {
                    continue;
                }
                check(line, "line " + (i + 1) + " of \"" + path + "\"", problems);
                loaded.add(digest(line));
                tokens++;
            }
            if (tokens == 0) {
                problems.add("the " + role + " token file \"" + path + "\" holds no token (one per line expected)");
            }
            if (problems.isEmpty()) {
                digests = List.copyOf(loaded);
                modified = time;
                size = length;
            }
        } catch (IOException e) {
            problems.add("the " + role + " token file \"" + path + "\" cannot be read: " + e.getClass().getSimpleName());
        }
        return problems;
    }

    private static void check(String token, String where, List<String> problems) {
        if (token.length() < MIN_LENGTH) {
            problems.add(where + " is a token of " + token.length() + " characters but tokens need at least "
                    + MIN_LENGTH);
        } else if (token.chars().anyMatch(c -> c <= ' ' || c >= 127)) {
            problems.add(where + " holds a token with spaces or non-ASCII characters, which HTTP headers cannot carry");
        }
    }

    private static byte[] digest(String token) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is unavailable in this JVM", e);
        }
    }

    @Override
    public String toString() {
        return "TokenFile[" + role + ", file=" + file + ", tokens=" + digests.size() + "]";
    }
}
