package dev.anomalyops.rag.store;

import dev.anomalyops.core.ConfigurationException;
import dev.anomalyops.core.StorageException;
import dev.anomalyops.rag.EmbeddedIncident;
import dev.anomalyops.rag.Incident;
import dev.anomalyops.rag.IncidentSearch;
import dev.anomalyops.rag.IncidentStore;
import dev.anomalyops.rag.SimilarIncident;
import dev.anomalyops.rag.UpsertResult;
import dev.anomalyops.rag.internal.Vectors;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.zip.CRC32;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Incidents in process memory with exact (brute-force) cosine search, optionally persisted to one file.
 * Needs no server. Vectors are normalised on insert and kept in one contiguous array, so a search is one
 * pass of dot products: about 1–3 ms for 10,000 incidents of 384 dimensions on one core.
 *
 * <p>Exact search grows linearly with the collection. Past {@link Builder#annWarningThreshold(int)}
 * incidents (default 50,000) the store logs a warning once, and {@link #annIndexRecommended()} turns
 * true: that is where an approximate (HNSW) index such as Qdrant's pays off; see
 * {@link dev.anomalyops.rag.qdrant.QdrantIncidentStore}.
 *
 * <p><b>File format.</b> An append-only log: an 8-byte magic {@code AOINC01\n} and the dimension, then one
 * record per stored or deleted incident, each with its length and CRC-32. Upserts append and (by
 * default) force the file to disk before returning. On open the log is replayed; a torn last record (a
 * crash mid-write) is cut off with a warning naming the offset, while a damaged record followed by more
 * data fails the open with a {@link StorageException}. The log is compacted when more than a fifth of
 * its records are deletions, or on {@link #compact()}.
 *
 * <p>Thread-safe: searches run in parallel; writes are exclusive. One process per file.
 */
public final class EmbeddedIncidentStore implements IncidentStore {
    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedIncidentStore.class);
    private static final byte[] MAGIC = "AOINC01\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte PUT = 1;
    private static final byte DELETE = 2;
    private static final int MAX_RECORD = 64 * 1024 * 1024;

    private final int dimension;
    private final @Nullable Path file;
    private final boolean sync;
    private final int annWarningThreshold;
    private final @Nullable DistributionSummary searchLatency;
    private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();

    // Column storage, rows 0..size-1; deletes move the last row into the hole.
    private float[] vectors;
    private Incident[] incidents;
    private String[] hashes;
    private int[] services;
    private long[] times;
    private int size;
    private final Map<String, Integer> rowByHash = new HashMap<>();
    private final Map<String, Integer> serviceIds = new HashMap<>();

    private @Nullable FileChannel log;
    private long deletesInLog;
    private long recordsInLog;
    private boolean annWarned;
    private volatile double lastSearchMillis = Double.NaN;
    private volatile boolean closed;

    private EmbeddedIncidentStore(Builder b) {
        this.dimension = b.dimension;
        this.file = b.file;
        this.sync = b.sync;
        this.annWarningThreshold = b.annWarningThreshold;
        this.searchLatency = b.registry == null ? null : DistributionSummary.builder("incident_search_latency_ms")
                .description("Time of one similarity search, in milliseconds")
                .baseUnit("ms")
                .tag("store", "embedded")
                .publishPercentiles(0.5, 0.95, 0.99)
                .register(b.registry);
        int capacity = 1024;
        this.vectors = new float[capacity * dimension];
        this.incidents = new Incident[capacity];
        this.hashes = new String[capacity];
        this.services = new int[capacity];
        this.times = new long[capacity];
        if (file != null) {
            openLog(file);
        }
    }

    /**
     * @param dimension the vector length
     * @return an empty store held in memory only
     */
    public static EmbeddedIncidentStore inMemory(int dimension) {
        return builder(dimension).build();
    }

    /**
     * Opens a store persisted to a file, creating the file when absent.
     *
     * @param file the store's file
     * @param dimension the vector length; must match the file's
     * @return the store, holding what the file holds
     * @throws StorageException when the file cannot be read or written, or is damaged
     * @throws ConfigurationException when the file holds vectors of another length
     */
    public static EmbeddedIncidentStore open(Path file, int dimension) {
        return builder(dimension).file(file).build();
    }

    /**
     * @param dimension the vector length
     * @return a builder
     */
    public static Builder builder(int dimension) {
        return new Builder(dimension);
    }

    @Override
    public int dimension() {
        return dimension;
    }

    /** @return the file this store persists to, if any */
    public Optional<Path> file() {
        return Optional.ofNullable(file);
    }

    /**
     * @return true once the collection has grown past the point where exact search gets slow and an
     *     approximate-nearest-neighbour index (Qdrant's HNSW) is the better choice
     */
    public boolean annIndexRecommended() {
        return count() > annWarningThreshold;
    }

    /** @return the duration of the most recent search in milliseconds, NaN before the first */
    public double lastSearchMillis() {
        return lastSearchMillis;
    }

    @Override
    public UpsertResult upsert(List<EmbeddedIncident> batch) {
        for (EmbeddedIncident e : batch) {
            checkDimension(e.dimension(), "Incident \"" + e.incident().id() + "\"");
        }
        lock.writeLock().lock();
        try {
            checkOpen();
            int added = 0;
            int duplicates = 0;
            Set<String> seen = new HashSet<>();
            List<EmbeddedIncident> fresh = new ArrayList<>();
            for (EmbeddedIncident e : batch) {
                String hash = e.incident().contentHash();
                if (rowByHash.containsKey(hash) || !seen.add(hash)) {
                    duplicates++;
                } else {
                    fresh.add(e);
                }
            }
            if (!fresh.isEmpty() && log != null) {
                appendPuts(fresh);
            }
            for (EmbeddedIncident e : fresh) {
                insert(e.incident(), Vectors.normalized(e.vector()));
                added++;
            }
            warnIfAnnNeeded();
            return new UpsertResult(added, duplicates);
        } finally {
            lock.writeLock().unlock();
        }
    }

    @Override
    public List<SimilarIncident> search(float[] vector, IncidentSearch search) {
        checkDimension(vector.length, "The query vector");
        float[] query = Vectors.normalized(vector);
        long start = System.nanoTime();
        lock.readLock().lock();
        try {
            checkOpen();
            int k = search.limit();
            float threshold = (float) search.minSimilarity();
            int[] bestRows = new int[k];
            float[] bestScores = new float[k];
            int found = 0;
            int wantedService = search.service().map(s -> serviceIds.getOrDefault(s, -2)).orElse(-1);
            if (wantedService == -2) {
                return List.of();
            }
            long from = search.from().map(java.time.Instant::toEpochMilli).orElse(Long.MIN_VALUE);
            long until = search.until().map(java.time.Instant::toEpochMilli).orElse(Long.MAX_VALUE);
            boolean timeFilter = from != Long.MIN_VALUE || until != Long.MAX_VALUE;
            for (int row = 0; row < size; row++) {
                if (wantedService >= 0 && services[row] != wantedService) {
                    continue;
                }
                if (timeFilter && (times[row] < from || times[row] >= until)) {
                    continue;
                }
                float score = Vectors.dot(vectors, row * dimension, query);
                if (score < threshold || (found == k && score <= bestScores[k - 1])) {
                    continue;
                }
                // Insertion into the short sorted top-k list.
                int at = found < k ? found++ : k - 1;
                while (at > 0 && bestScores[at - 1] < score) {
                    bestScores[at] = bestScores[at - 1];
                    bestRows[at] = bestRows[at - 1];
                    at--;
                }
                bestScores[at] = score;
                bestRows[at] = row;
            }
            List<SimilarIncident> out = new ArrayList<>(found);
            for (int i = 0; i < found; i++) {
                out.add(new SimilarIncident(incidents[bestRows[i]], Math.max(-1f, Math.min(1f, bestScores[i]))));
            }
            return out;
        } finally {
            lock.readLock().unlock();
            double millis = (System.nanoTime() - start) / 1e6;
            lastSearchMillis = millis;
            if (searchLatency != null) {
                searchLatency.record(millis);
            }
        }
    }

    @Override
    public Optional<Incident> get(String contentHash) {
        lock.readLock().lock();
        try {
            checkOpen();
            Integer row = rowByHash.get(contentHash);
            return row == null ? Optional.empty() : Optional.of(incidents[row]);
        } finally {
            lock.readLock().unlock();
        }
    }

    /**
     * @param contentHash an incident's content hash
     * @return a copy of its stored (unit-length) vector, if stored
     */
    public Optional<float[]> vector(String contentHash) {
        lock.readLock().lock();
        try {
            Integer row = rowByHash.get(contentHash);
            return row == null ? Optional.empty()
                    : Optional.of(Arrays.copyOfRange(vectors, row * dimension, (row + 1) * dimension));
        } finally {
            lock.readLock().unlock();
        }
    }

    @Override
    public boolean delete(String contentHash) {
        lock.writeLock().lock();
        try {
            checkOpen();
            Integer row = rowByHash.get(contentHash);
            if (row == null) {
                return false;
            }
            if (log != null) {
                byte[] hash = contentHash.getBytes(StandardCharsets.UTF_8);
                ByteBuffer body = ByteBuffer.allocate(1 + 4 + hash.length);
                body.put(DELETE).putInt(hash.length).put(hash);
                writeRecords(List.of(body.array()));
                deletesInLog++;
            }
            removeRow(row);
            return true;
        } finally {
            lock.writeLock().unlock();
        }
    }

    @Override
    public long count() {
        lock.readLock().lock();
        try {
            return size;
        } finally {
            lock.readLock().unlock();
        }
    }

    /**
     * Rewrites the file with only the live incidents (drops deletion records). Atomic: a crash leaves
     * either the old or the new file. A no-op for in-memory stores.
     *
     * @throws StorageException when the file cannot be rewritten
     */
    public void compact() {
        lock.writeLock().lock();
        try {
            checkOpen();
            if (file == null || log == null) {
                return;
            }
            Path temp = file.resolveSibling(file.getFileName() + ".compact");
            try (FileChannel out = FileChannel.open(temp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING)) {
                out.write(header());
                List<byte[]> bodies = new ArrayList<>();
                for (int row = 0; row < size; row++) {
                    bodies.add(putBody(incidents[row], vectors, row * dimension));
                    if (bodies.size() == 1024) {
                        out.write(frame(bodies));
                        bodies.clear();
                    }
                }
                out.write(frame(bodies));
                out.force(true);
            }
            log.close();
            try {
                Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING);
            }
            log = FileChannel.open(file, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
            recordsInLog = size;
            deletesInLog = 0;
        } catch (IOException e) {
            throw new StorageException("Cannot compact incident store \"" + file + "\": " + e.getMessage(), e);
        } finally {
            lock.writeLock().unlock();
        }
    }

    @Override
    public void close() {
        lock.writeLock().lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            if (log != null) {
                log.close();
            }
        } catch (IOException e) {
            throw new StorageException("Cannot close incident store \"" + file + "\": " + e.getMessage(), e);
        } finally {
            lock.writeLock().unlock();
        }
    }

    @Override
    public String toString() {
        return "EmbeddedIncidentStore[" + (file == null ? "in memory" : file) + ", " + count() + " incidents, "
                + dimension + " dimensions]";
    }

    // ----------------------------------------------------------------------------------------------------

    private void checkDimension(int length, String what) {
        if (length != dimension) {
            throw new IllegalArgumentException(what + " has " + length + " dimensions but the store holds "
                    + dimension);
        }
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("The incident store is closed");
        }
    }

    private void insert(Incident incident, float[] unit) {
        if (size == incidents.length) {
            int capacity = incidents.length + (incidents.length >> 1);
            vectors = Arrays.copyOf(vectors, capacity * dimension);
            incidents = Arrays.copyOf(incidents, capacity);
            hashes = Arrays.copyOf(hashes, capacity);
            services = Arrays.copyOf(services, capacity);
            times = Arrays.copyOf(times, capacity);
        }
        int row = size++;
        System.arraycopy(unit, 0, vectors, row * dimension, dimension);
        incidents[row] = incident;
        String hash = incident.contentHash();
        hashes[row] = hash;
        services[row] = incident.service() == null ? -3
                : serviceIds.computeIfAbsent(incident.service(), s -> serviceIds.size());
        times[row] = incident.occurredAt().toEpochMilli();
        rowByHash.put(hash, row);
    }

    private void removeRow(int row) {
        int last = size - 1;
        rowByHash.remove(hashes[row]);
        if (row != last) {
            System.arraycopy(vectors, last * dimension, vectors, row * dimension, dimension);
            incidents[row] = incidents[last];
            hashes[row] = hashes[last];
            services[row] = services[last];
            times[row] = times[last];
            rowByHash.put(hashes[row], row);
        }
        incidents[last] = null;
        hashes[last] = null;
        size--;
    }

    private void warnIfAnnNeeded() {
        if (!annWarned && size > annWarningThreshold) {
            annWarned = true;
            LOG.warn("The embedded incident store {} holds {} incidents, more than {}: exact search now costs"
                    + " about {} ms per query and grows linearly; an approximate index (Qdrant, HNSW) is the"
                    + " better choice from here", file == null ? "(in memory)" : file, size, annWarningThreshold,
                    Double.isNaN(lastSearchMillis) ? "several" : String.format(java.util.Locale.ROOT, "%.1f", lastSearchMillis));
        }
    }

    private ByteBuffer header() {
        ByteBuffer header = ByteBuffer.allocate(MAGIC.length + 4);
        header.put(MAGIC).putInt(dimension).flip();
        return header;
    }

    private byte[] putBody(Incident incident, float[] source, int offset) {
        byte[] json = PayloadCodec.encode(incident).getBytes(StandardCharsets.UTF_8);
        ByteBuffer body = ByteBuffer.allocate(1 + 4 + json.length + 4 * dimension);
        body.put(PUT).putInt(json.length).put(json);
        for (int i = 0; i < dimension; i++) {
            body.putFloat(source[offset + i]);
        }
        return body.array();
    }

    private static ByteBuffer frame(List<byte[]> bodies) {
        int total = 0;
        for (byte[] b : bodies) {
            total += 8 + b.length;
        }
        ByteBuffer out = ByteBuffer.allocate(total);
        CRC32 crc = new CRC32();
        for (byte[] b : bodies) {
            crc.reset();
            crc.update(b);
            out.putInt(b.length).putInt((int) crc.getValue()).put(b);
        }
        return out.flip();
    }

    private void appendPuts(List<EmbeddedIncident> fresh) {
        List<byte[]> bodies = new ArrayList<>(fresh.size());
        for (EmbeddedIncident e : fresh) {
            bodies.add(putBody(e.incident(), Vectors.normalized(e.vector()), 0));
        }
        writeRecords(bodies);
    }

    private void writeRecords(List<byte[]> bodies) {
        try {
            ByteBuffer buffer = frame(bodies);
            while (buffer.hasRemaining()) {
                log.write(buffer);
            }
            if (sync) {
                log.force(false);
            }
            recordsInLog += bodies.size();
        } catch (IOException e) {
            throw new StorageException("Cannot append to incident store \"" + file + "\": " + e.getMessage(), e);
        }
    }

    private void openLog(Path path) {
        try {
            if (path.getParent() != null) {
                Files.createDirectories(path.getParent());
            }
            if (!Files.exists(path) || Files.size(path) == 0) {
                try (FileChannel out = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                        StandardOpenOption.TRUNCATE_EXISTING)) {
                    out.write(header());
                    out.force(true);
                }
            } else {
                long good = replay(path);
                long length = Files.size(path);
                if (good < length) {
                    LOG.warn("Incident store \"{}\" ends with a torn record at byte {} ({} bytes, probably a crash"
                            + " during a write); it was cut off and the {} complete records before it were kept",
                            path, good, length - good, recordsInLog);
                    try (FileChannel truncate = FileChannel.open(path, StandardOpenOption.WRITE)) {
                        truncate.truncate(good);
                        truncate.force(true);
                    }
                }
            }
            log = FileChannel.open(path, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new StorageException("Cannot open incident store \"" + path + "\": " + e.getMessage(), e);
        }
        if (deletesInLog > 1000 && deletesInLog * 5 > recordsInLog) {
            compact();
        }
        warnIfAnnNeeded();
    }

    /** Replays the log into memory; returns the offset after the last complete record. */
    private long replay(Path path) throws IOException {
        long fileLength = Files.size(path);
        try (InputStream raw = Files.newInputStream(path);
                DataInputStream in = new DataInputStream(new BufferedInputStream(raw, 1 << 16))) {
            byte[] magic = new byte[MAGIC.length];
            in.readFully(magic);
            if (!Arrays.equals(magic, MAGIC)) {
                throw new StorageException("File \"" + path + "\" is not an incident store (expected magic AOINC01)");
            }
            int fileDimension = in.readInt();
            if (fileDimension != dimension) {
                throw new ConfigurationException("Incident store \"" + path + "\" holds vectors of " + fileDimension
                        + " dimensions but " + dimension + " were expected");
            }
            long offset = MAGIC.length + 4;
            CRC32 crc = new CRC32();
            float[] vector = new float[dimension];
            while (offset < fileLength) {
                int length;
                int expectedCrc;
                byte[] body;
                try {
                    length = in.readInt();
                    expectedCrc = in.readInt();
                    if (length <= 0 || length > MAX_RECORD || offset + 8 + length > fileLength) {
                        return checkTail(path, offset, offset + 8 + Math.max(length, 0), fileLength, "bad length " + length);
                    }
                    body = new byte[length];
                    in.readFully(body);
                } catch (EOFException e) {
                    return offset;
                }
                crc.reset();
                crc.update(body);
                if ((int) crc.getValue() != expectedCrc) {
                    return checkTail(path, offset, offset + 8 + length, fileLength, "checksum mismatch");
                }
                apply(path, offset, ByteBuffer.wrap(body), vector);
                offset += 8 + length;
                recordsInLog++;
            }
            return offset;
        }
    }

    private long checkTail(Path path, long offset, long end, long fileLength, String problem) {
        if (end >= fileLength) {
            return offset; // the last record is torn: cut it off
        }
        throw new StorageException("Incident store \"" + path + "\" is damaged at byte " + offset + " (" + problem
                + ") with " + (fileLength - end) + " bytes after it; restore it from a backup or re-ingest");
    }

    private void apply(Path path, long offset, ByteBuffer body, float[] vector) throws IOException {
        byte type = body.get();
        if (type == PUT) {
            byte[] json = new byte[body.getInt()];
            body.get(json);
            for (int i = 0; i < dimension; i++) {
                vector[i] = body.getFloat();
            }
            Incident incident = PayloadCodec.decode(new String(json, StandardCharsets.UTF_8));
            if (!rowByHash.containsKey(incident.contentHash())) {
                insert(incident, vector);
            }
        } else if (type == DELETE) {
            byte[] hash = new byte[body.getInt()];
            body.get(hash);
            Integer row = rowByHash.get(new String(hash, StandardCharsets.UTF_8));
            if (row != null) {
                removeRow(row);
            }
            deletesInLog++;
        } else {
            throw new StorageException("Incident store \"" + path + "\" has a record of unknown type " + type
                    + " at byte " + offset);
        }
    }

    /** Builds an {@link EmbeddedIncidentStore}; {@link #build()} reports every invalid value at once. */
    public static final class Builder {
        private final int dimension;
        private @Nullable Path file;
        private boolean sync = true;
        private int annWarningThreshold = 50_000;
        private @Nullable MeterRegistry registry;

        private Builder(int dimension) {
            this.dimension = dimension;
        }

        /**
         * @param file persist to this file (created when absent); null keeps the store in memory
         * @return this builder
         */
        public Builder file(@Nullable Path file) {
            this.file = file;
            return this;
        }

        /**
         * @param sync whether each upsert forces the file to disk before returning (default true)
         * @return this builder
         */
        public Builder sync(boolean sync) {
            this.sync = sync;
            return this;
        }

        /**
         * @param incidents the size past which exact search is reported as too slow (default 50,000)
         * @return this builder
         */
        public Builder annWarningThreshold(int incidents) {
            this.annWarningThreshold = incidents;
            return this;
        }

        /**
         * @param registry where to record {@code incident_search_latency_ms}; null records nothing
         * @return this builder
         */
        public Builder meterRegistry(@Nullable MeterRegistry registry) {
            this.registry = registry;
            return this;
        }

        /**
         * @return the store, loaded from its file when it has one
         * @throws ConfigurationException listing every invalid value
         * @throws StorageException when the file cannot be read or written, or is damaged
         */
        public EmbeddedIncidentStore build() {
            List<String> problems = new ArrayList<>();
            if (dimension < 1 || dimension > 65_536) {
                problems.add("dimension must be between 1 and 65536 but was " + dimension);
            }
            if (annWarningThreshold < 1) {
                problems.add("annWarningThreshold must be at least 1 but was " + annWarningThreshold);
            }
            if (!problems.isEmpty()) {
                throw new ConfigurationException(problems);
            }
            return new EmbeddedIncidentStore(this);
        }
    }
}
