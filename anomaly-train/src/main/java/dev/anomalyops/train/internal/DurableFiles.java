package dev.anomalyops.train.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * Crash-safe writes for exports and stores: content goes to a temporary sibling, is forced to disk and is
 * renamed into place, so readers see the old file or the whole new one.
 */
public final class DurableFiles {
    private DurableFiles() {}

    /**
     * @param target the file to replace or create; its parent is created when missing
     * @param content the complete new content
     * @throws IOException when writing, syncing or renaming fails (the old content is then intact)
     */
    public static void replace(Path target, byte[] content) throws IOException {
        Path absolute = target.toAbsolutePath();
        Path parent = absolute.getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        Path temp = absolute.resolveSibling("." + absolute.getFileName() + "." + UUID.randomUUID() + ".tmp");
        try {
            try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                writeFully(channel, ByteBuffer.wrap(content));
                channel.force(true);
            }
            try {
                Files.move(temp, absolute, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                throw new IOException("The file system of " + parent + " cannot rename atomically", e);
            }
            syncDirectory(parent);
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    /**
     * @param channel an open channel
     * @param buffer bytes to write completely
     * @throws IOException on failure
     */
    public static void writeFully(FileChannel channel, ByteBuffer buffer) throws IOException {
        while (buffer.hasRemaining()) {
            channel.write(buffer);
        }
    }

    /**
     * Makes new or renamed entries of a directory durable (POSIX needs the directory synced too).
     *
     * @param directory the directory, or null for none
     */
    public static void syncDirectory(@Nullable Path directory) {
        if (directory == null) {
            return;
        }
        try (FileChannel channel = FileChannel.open(directory, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException e) {
            // Some file systems cannot open a directory for syncing; the rename itself is still atomic.
        }
    }
}
