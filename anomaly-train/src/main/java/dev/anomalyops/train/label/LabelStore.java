package dev.anomalyops.train.label;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.anomalyops.core.StorageException;
import dev.anomalyops.train.internal.DurableFiles;
import dev.anomalyops.train.internal.FileLocks;
import dev.anomalyops.train.internal.JsonSupport;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An append-only, crash-safe store of labels in one JSON-lines file. Nothing in it is ever changed or
 * deleted: a new opinion about a row is a new label, and {@link #conflicts()} reports rows whose human (or
 * imported) labels disagree. Every label records who gave it, when, and where it came from.
 *
 * <p><b>Crash safety (write-ahead log).</b> Each {@link #append} is one transaction: its label lines and
 * then a commit line holding their count and SHA-256 are appended with a single write and forced to disk.
 * Readers take only transactions whose commit line is present and whose checksum matches, so a crash in the
 * middle of an append leaves the store exactly as before it; the next writer cuts the torn tail off. Writers
 * are serialised across threads and processes by a lock on {@code <file>.lock}.
 *
 * <p><b>Idempotence.</b> A label that states what the store already holds (same row, value, source, author
 * and note, whenever it was given) is skipped, so importing the same reviewed file twice, or again after a
 * crash, adds nothing the second time.
 *
 * <p>All committed labels are kept in memory (about 200 bytes each). Thread-safe.
 */
public final class LabelStore implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(LabelStore.class);

    /** How a transaction's bytes reach the file; tests inject failures here. */
    interface Appender {
        void append(FileChannel channel, ByteBuffer bytes) throws IOException;
    }

    static final Appender DURABLE = (channel, bytes) -> {
        DurableFiles.writeFully(channel, bytes);
        channel.force(true);
    };

    private final Path file;
    private final Clock clock;
    private final Appender appender;
    private final List<Label> labels = new ArrayList<>();
    private final Set<String> identities = new HashSet<>();
    private long committedBytes;
    private int transactions;
    private long discardedBytes;

    private LabelStore(Path file, Clock clock, Appender appender) {
        this.file = file;
        this.clock = clock;
        this.appender = appender;
    }

    /**
     * Opens (or prepares to create) a store; the file appears with the first append.
     *
     * @param file the JSON-lines file
     * @return the store, with every committed label loaded
     * @throws StorageException when the file cannot be read or its committed part is corrupted
     */
    public static LabelStore open(Path file) {
        return open(file, Clock.systemUTC());
    }

    /**
     * @param file the JSON-lines file
     * @param clock stamps commit lines
     * @return the store
     */
    public static LabelStore open(Path file, Clock clock) {
        return open(file, clock, DURABLE);
    }

    static LabelStore open(Path file, Clock clock, Appender appender) {
        LabelStore store = new LabelStore(file.toAbsolutePath(), Objects.requireNonNull(clock, "clock"), appender);
        synchronized (store) {
            store.refresh();
        }
        return store;
    }

    /** @return the store's file */
    public Path file() {
        return file;
    }

    /** @return every committed label, in the order stored */
    public synchronized List<Label> labels() {
        refresh();
        return List.copyOf(labels);
    }

    /** @return committed transactions */
    public synchronized int transactions() {
        refresh();
        return transactions;
    }

    /** @return bytes of interrupted appends this store object cut off the file (0 when none) */
    public synchronized long discardedBytes() {
        return discardedBytes;
    }

    /**
     * Appends labels as one transaction.
     *
     * @param newLabels the labels; those the store already states are skipped
     * @param description what the labels are, e.g. the imported file's name (recorded in the commit line)
     * @return what was added, skipped and which conflicts the touched rows now have
     * @throws StorageException when the file cannot be written (the store is then unchanged)
     */
    public synchronized ImportResult append(Collection<Label> newLabels, String description) {
        Objects.requireNonNull(newLabels, "newLabels");
        Objects.requireNonNull(description, "description");
        try (FileLocks.Held lock = FileLocks.lock(file)) {
            refresh();
            recover();
            List<Label> fresh = new ArrayList<>();
            Set<String> seen = new HashSet<>(identities);
            int duplicates = 0;
            Set<String> touched = new LinkedHashSet<>();
            for (Label label : newLabels) {
                touched.add(label.id());
                if (seen.add(label.identity())) {
                    fresh.add(label);
                } else {
                    duplicates++;
                }
            }
            String transaction = "";
            if (!fresh.isEmpty()) {
                transaction = Integer.toString(transactions + 1);
                byte[] bytes = encode(fresh, transaction, description);
                if (file.getParent() != null) {
                    Files.createDirectories(file.getParent());
                }
                boolean created = !Files.exists(file);
                try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                        StandardOpenOption.APPEND)) {
                    long before = channel.size();
                    try {
                        appender.append(channel, ByteBuffer.wrap(bytes));
                    } catch (IOException e) {
                        // A failed write or fsync may have left the whole transaction, commit line included, in the
                        // file: cut it off, or the next reader would see labels this call reported as not stored.
                        try {
                            channel.truncate(before);
                            channel.force(true);
                        } catch (IOException undo) {
                            e.addSuppressed(undo);
                            throw new StorageException("Cannot append " + newLabels.size() + " labels to label store "
                                    + file + ": " + e.getMessage() + ", and cutting the partial append off failed too:"
                                    + " the next open keeps it only if its commit line reached the disk", e);
                        }
                        throw e;
                    }
                }
                if (created) {
                    DurableFiles.syncDirectory(file.getParent());
                }
                for (Label label : fresh) {
                    labels.add(label);
                    identities.add(label.identity());
                }
                committedBytes += bytes.length;
                transactions++;
            }
            List<LabelConflict> conflicts = new ArrayList<>();
            for (LabelConflict conflict : conflicts(labels)) {
                if (touched.contains(conflict.id())) {
                    conflicts.add(conflict);
                }
            }
            if (!conflicts.isEmpty()) {
                LOG.warn("{} rows of \"{}\" have conflicting human labels, e.g. {}", conflicts.size(), description,
                        conflicts.get(0));
            }
            return new ImportResult(transaction, fresh.size(), duplicates, conflicts);
        } catch (IOException e) {
            throw new StorageException("Cannot append " + newLabels.size() + " labels to label store " + file + ": "
                    + e.getMessage() + " (the store is unchanged)", e);
        }
    }

    /**
     * The label in effect for each row: from the most authoritative source present (human, then imported,
     * then pseudo), the latest one.
     *
     * @return row id to label, in the order rows were first labelled
     */
    public synchronized Map<String, Label> effective() {
        refresh();
        return effective(labels);
    }

    /** @return every row whose human or imported labels disagree */
    public synchronized List<LabelConflict> conflicts() {
        refresh();
        return conflicts(labels);
    }

    static Map<String, Label> effective(List<Label> labels) {
        Map<String, Label> chosen = new LinkedHashMap<>();
        for (Label label : labels) {
            Label current = chosen.get(label.id());
            if (current == null || label.source().ordinal() <= current.source().ordinal()) {
                chosen.put(label.id(), label);
            }
        }
        return chosen;
    }

    static List<LabelConflict> conflicts(List<Label> labels) {
        Map<String, List<Label>> byId = new LinkedHashMap<>();
        for (Label label : labels) {
            if (label.source() != LabelSource.PSEUDO) {
                byId.computeIfAbsent(label.id(), id -> new ArrayList<>()).add(label);
            }
        }
        List<LabelConflict> conflicts = new ArrayList<>();
        for (Map.Entry<String, List<Label>> entry : byId.entrySet()) {
            List<Label> list = entry.getValue();
            boolean disagree = list.stream().mapToInt(Label::value).distinct().count() > 1;
            if (disagree) {
                conflicts.add(new LabelConflict(entry.getKey(), list, effective(list).get(entry.getKey())));
            }
        }
        return conflicts;
    }

    @Override
    public void close() {
        // Nothing is held open between calls; present so stores read naturally in try-with-resources.
    }

    private byte[] encode(List<Label> fresh, String transaction, String description) {
        ByteArrayOutputStream lines = new ByteArrayOutputStream(fresh.size() * 160);
        try {
            try (JsonGenerator json = JsonSupport.mapper().getFactory().createGenerator(lines)) {
                json.configure(JsonGenerator.Feature.AUTO_CLOSE_TARGET, false);
                json.setRootValueSeparator(null);
                for (Label label : fresh) {
                    json.writeStartObject();
                    json.writeStringField("type", "label");
                    json.writeStringField("txn", transaction);
                    json.writeStringField("id", label.id());
                    json.writeNumberField("label", label.value());
                    json.writeStringField("source", label.source().wireName());
                    json.writeStringField("who", label.author());
                    json.writeStringField("at", label.at().toString());
                    json.writeNumberField("confidence", label.confidence());
                    json.writeStringField("note", label.note());
                    json.writeEndObject();
                    json.writeRaw('\n');
                }
            }
            byte[] body = lines.toByteArray();
            ObjectNode commit = JsonSupport.mapper().createObjectNode();
            commit.put("type", "commit");
            commit.put("txn", transaction);
            commit.put("count", fresh.size());
            commit.put("sha256", sha256(body, 0, body.length));
            commit.put("at", Instant.now(clock).toString());
            commit.put("description", description);
            lines.write(JsonSupport.mapper().writeValueAsBytes(commit));
            lines.write('\n');
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return lines.toByteArray();
    }

    /** Reads committed transactions appended since the last read. Caller holds this object's monitor. */
    private void refresh() {
        byte[] bytes;
        try {
            if (!Files.exists(file)) {
                return;
            }
            try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
                long size = channel.size();
                if (size < committedBytes) {
                    throw new StorageException("Label store " + file + " shrank from " + committedBytes + " to " + size
                            + " bytes; committed labels were removed by something other than this SDK");
                }
                bytes = new byte[Math.toIntExact(size - committedBytes)];
                ByteBuffer buffer = ByteBuffer.wrap(bytes);
                while (buffer.hasRemaining() && channel.read(buffer, committedBytes + buffer.position()) >= 0) {
                    // keep reading
                }
            }
        } catch (NoSuchFileException e) {
            return;
        } catch (IOException e) {
            throw new StorageException("Cannot read label store " + file + ": " + e.getMessage(), e);
        }
        parse(bytes);
    }

    private void parse(byte[] bytes) {
        long base = committedBytes;
        int position = 0;
        int transactionStart = 0;
        List<Label> pending = new ArrayList<>();
        String pendingTransaction = null;
        long badLine = -1;
        while (position < bytes.length) {
            int end = position;
            while (end < bytes.length && bytes[end] != '\n') {
                end++;
            }
            if (end == bytes.length) {
                break; // a line without its newline: an append still in progress or torn by a crash
            }
            long offset = base + position;
            JsonNode node = null;
            try {
                node = JsonSupport.mapper().readTree(bytes, position, end - position);
            } catch (IOException e) {
                if (badLine < 0) {
                    badLine = offset;
                }
            }
            int next = end + 1;
            if (node != null && badLine < 0) {
                String type = node.path("type").asText();
                String transaction = node.path("txn").asText();
                if (type.equals("label")) {
                    if (pendingTransaction != null && !pendingTransaction.equals(transaction)) {
                        throw corrupted(offset, "transaction " + pendingTransaction + " has no commit line before "
                                + "transaction " + transaction + " starts");
                    }
                    if (pending.isEmpty()) {
                        transactionStart = position;
                    }
                    pendingTransaction = transaction;
                    pending.add(readLabel(node, offset));
                } else if (type.equals("commit")) {
                    int count = node.path("count").asInt(-1);
                    String expected = node.path("sha256").asText();
                    String actual = sha256(bytes, transactionStart, pending.isEmpty() ? 0 : position - transactionStart);
                    if (count != pending.size() || !expected.equals(actual)
                            || (pendingTransaction != null && !pendingTransaction.equals(transaction))) {
                        throw corrupted(offset, "commit of transaction " + transaction + " promises " + count
                                + " labels with SHA-256 " + expected + " but " + pending.size() + " precede it with "
                                + actual);
                    }
                    for (Label label : pending) {
                        labels.add(label);
                        identities.add(label.identity());
                    }
                    pending.clear();
                    pendingTransaction = null;
                    transactions++;
                    committedBytes = base + next;
                } else {
                    throw corrupted(offset, "line of unknown type \"" + type + "\"");
                }
            } else if (node != null && node.path("type").asText().equals("commit")) {
                throw corrupted(badLine, "an unreadable line precedes committed data");
            }
            position = next;
        }
    }

    /** Cuts off bytes after the last commit (an append interrupted by a crash). Caller holds the file lock. */
    private void recover() throws IOException {
        if (!Files.exists(file)) {
            return;
        }
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
            long size = channel.size();
            if (size > committedBytes) {
                channel.truncate(committedBytes);
                channel.force(true);
                discardedBytes += size - committedBytes;
                LOG.warn("Label store {}: discarded {} bytes of an interrupted append (no commit line); the labels"
                        + " committed before it are intact", file, size - committedBytes);
            }
        }
    }

    private Label readLabel(JsonNode node, long offset) {
        try {
            return new Label(node.path("id").asText(), node.path("label").asInt(-1),
                    LabelSource.fromWireName(node.path("source").asText()), node.path("who").asText(),
                    Instant.parse(node.path("at").asText()), node.path("confidence").asDouble(-1),
                    node.path("note").asText(""));
        } catch (RuntimeException e) {
            throw corrupted(offset, "invalid label: " + e.getMessage());
        }
    }

    private StorageException corrupted(long offset, String reason) {
        return new StorageException("Label store " + file + " is corrupted at byte " + offset + ": " + reason);
    }

    private static String sha256(byte[] bytes, int offset, int length) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            digest.update(bytes, offset, length);
            return HexFormat.of().formatHex(digest.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    /** @return a short description */
    @Override
    public String toString() {
        return "LabelStore[" + file + ", " + labels.size() + " labels]";
    }
}
