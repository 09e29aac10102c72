package dev.anomalyops.train.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.FutureTask;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntConsumer;
import org.jspecify.annotations.Nullable;

/**
 * Runs the chunks of an index range on a caller's executor or on a few short-lived threads. Results never
 * depend on the number of threads: each chunk writes only its own slots.
 *
 * @param threads how many threads to use when no executor is given; 1 runs everything on the caller's thread
 * @param executor the caller's executor (never shut down here), or null
 */
public record Parallel(int threads, @Nullable Executor executor) {
    private static final AtomicInteger POOLS = new AtomicInteger();

    /** Checks the thread count. */
    public Parallel {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be at least 1 but was " + threads);
        }
    }

    /** @return one thread, the caller's */
    public static Parallel sequential() {
        return new Parallel(1, null);
    }

    /** @return whether work may run on more than the caller's thread */
    public boolean isParallel() {
        return executor != null || threads > 1;
    }

    /**
     * Calls {@code body} with every chunk index in {@code [0, chunks)}, in parallel when allowed, and
     * waits for all of them. The first failure is rethrown after every chunk has finished.
     *
     * @param chunks number of chunks
     * @param body work for one chunk
     */
    public void forEachChunk(int chunks, IntConsumer body) {
        if (chunks <= 0) {
            return;
        }
        if (!isParallel() || chunks == 1) {
            for (int i = 0; i < chunks; i++) {
                body.accept(i);
            }
            return;
        }
        if (executor != null) {
            run(executor, chunks, body);
            return;
        }
        ExecutorService pool = Executors.newFixedThreadPool(Math.min(threads, chunks), daemonThreads());
        try {
            run(pool, chunks, body);
        } finally {
            pool.shutdownNow();
        }
    }

    private static void run(Executor executor, int chunks, IntConsumer body) {
        List<Future<?>> futures = new ArrayList<>(chunks);
        for (int i = 0; i < chunks; i++) {
            int chunk = i;
            FutureTask<Void> task = new FutureTask<>(() -> body.accept(chunk), null);
            futures.add(task);
            executor.execute(task);
        }
        Throwable failure = null;
        for (Future<?> future : futures) {
            try {
                future.get();
            } catch (ExecutionException e) {
                if (failure == null) {
                    failure = e.getCause();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                for (Future<?> f : futures) {
                    f.cancel(true);
                }
                throw new CompletionException("Interrupted while waiting for parallel work", e);
            }
        }
        if (failure instanceof RuntimeException runtime) {
            throw runtime;
        }
        if (failure instanceof Error error) {
            throw error;
        }
        if (failure != null) {
            throw new CompletionException(failure);
        }
    }

    private static ThreadFactory daemonThreads() {
        int pool = POOLS.incrementAndGet();
        AtomicInteger count = new AtomicInteger();
        return runnable -> {
            Thread thread = new Thread(runnable, "anomalyops-train-" + pool + "-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }
}
