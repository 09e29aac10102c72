package dev.anomalyops.core.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.UUID;

/**
 * Crash-safe file operations: content is written to a temporary name, forced to disk, then renamed into
 * place, so a reader sees either the old file or the complete new one, never a torn write.
 */
public final class AtomicFiles {
    private AtomicFiles() {}

    /**
     * Replaces {@code target} with {@code content} atomically and durably.
     *
     * @param target the final path; its parent must exist
     * @param content the full new content
     * @throws IOException when writing, syncing or renaming fails (the old content is then intact)
     */
    public static void write(Path target, byte[] content) throws IOException {
        Path temp = target.resolveSibling("." + target.getFileName() + "." + UUID.randomUUID() + ".tmp");
        try {
            writeDurably(temp, content);
            moveAtomically(temp, target);
            syncDirectory(target.getParent());
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    /**
     * Writes a new file and forces its content to disk.
     *
     * @param file the file to create (must not exist)
     * @param content its content
     * @throws IOException on any failure
     */
    public static void writeDurably(Path file, byte[] content) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            ByteBuffer buffer = ByteBuffer.wrap(content);
            while (buffer.hasRemaining()) {
                channel.write(buffer);
            }
            channel.force(true);
        }
    }

    /**
     * Forces a file that is already written (for example by a copy) to disk.
     *
     * @param file the file
     * @throws IOException on failure
     */
    public static void sync(Path file) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
            channel.force(true);
        }
    }

    /**
     * Makes a rename or a new entry in {@code directory} durable (POSIX needs the directory itself synced).
     *
     * @param directory the directory whose entries changed
     */
    public static void syncDirectory(Path directory) {
        try (FileChannel channel = FileChannel.open(directory, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException e) {
            // Some file systems (and Windows) cannot open a directory for syncing; the rename is still atomic.
        }
    }

    /**
     * Renames {@code source} to {@code target} in one step.
     *
     * @param source existing file or directory
     * @param target new name on the same file system
     * @throws IOException when the file system cannot rename atomically or the rename fails
     */
    public static void moveAtomically(Path source, Path target) throws IOException {
        try {
            Files.move(source, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            throw new IOException("The file system of " + target.getParent()
                    + " cannot rename atomically; put the registry on a local POSIX file system", e);
        }
    }

    /**
     * Deletes a directory tree, ignoring entries that vanish meanwhile.
     *
     * @param root the tree to delete; nothing happens when it does not exist
     * @throws IOException when an entry cannot be deleted
     */
    public static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.deleteIfExists(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path dir, IOException exc) throws IOException {
                Files.deleteIfExists(dir);
                return FileVisitResult.CONTINUE;
            }
        });
    }
}
