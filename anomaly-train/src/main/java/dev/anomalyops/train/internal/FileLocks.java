package dev.anomalyops.train.internal;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Exclusive access to a file for one writer at a time, across threads (a lock per path in this JVM) and
 * across processes (an OS lock on a sidecar {@code .lock} file, released by the OS if the process dies).
 */
public final class FileLocks {
    private static final ConcurrentMap<Path, ReentrantLock> LOCAL = new ConcurrentHashMap<>();

    private FileLocks() {}

    /** A held lock; closing releases it. */
    public interface Held extends AutoCloseable {
        @Override
        void close() throws IOException;
    }

    /**
     * Blocks until the lock for {@code file} is held.
     *
     * @param file the file to protect (the lock lives in {@code file + ".lock"})
     * @return the held lock
     * @throws IOException when the lock file cannot be opened or locked
     */
    public static Held lock(Path file) throws IOException {
        Path absolute = file.toAbsolutePath().normalize();
        ReentrantLock local = LOCAL.computeIfAbsent(absolute, p -> new ReentrantLock());
        local.lock();
        FileChannel channel = null;
        try {
            channel = FileChannel.open(absolute.resolveSibling(absolute.getFileName() + ".lock"),
                    StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            FileLock lock = channel.lock();
            FileChannel opened = channel;
            return () -> {
                try {
                    lock.release();
                    opened.close();
                } finally {
                    local.unlock();
                }
            };
        } catch (IOException | RuntimeException e) {
            if (channel != null) {
                channel.close();
            }
            local.unlock();
            throw e;
        }
    }
}
