package dev.anomalyops.triton.server;

import dev.anomalyops.core.scoring.FeatureBatch;
import dev.anomalyops.core.scoring.Scorer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.IntConsumer;

/**
 * A small dynamic batcher: single rows submitted concurrently are scored together in one {@link Scorer#score}
 * call. Worker threads take the first waiting row, add every row already queued (up to {@code maxRows}), then wait
 * at most {@code maxDelay} for more while the batch is short, and score. With a zero delay no request ever waits for
 * others: rows only share a call when they arrived while the previous call ran, which is exactly when batching pays.
 * It pays for engines whose per-call cost dwarfs the per-row cost (native libraries); {@link
 * ScoringInferenceService} measures that before it turns batching on.
 */
final class MicroBatcher implements AutoCloseable {
    private final Scorer scorer;
    private final int maxRows;
    private final long maxDelayNanos;
    private final IntConsumer onBatch;
    private final BlockingQueue<Item> queue = new LinkedBlockingQueue<>();
    private final List<Thread> workers = new ArrayList<>();
    private volatile boolean closed;

    private record Item(float[] values, int offset, CompletableFuture<Double> result) {}

    MicroBatcher(Scorer scorer, int maxRows, Duration maxDelay, int threads, IntConsumer onBatch) {
        this.scorer = scorer;
        this.maxRows = maxRows;
        this.maxDelayNanos = maxDelay.toNanos();
        this.onBatch = onBatch;
        for (int i = 0; i < threads; i++) {
            Thread worker = new Thread(this::run, "batcher-" + scorer.model().name() + "-" + i);
            worker.setDaemon(true);
            worker.start();
            workers.add(worker);
        }
    }

    /**
     * @param values holds the row
     * @param offset where the row starts
     * @return its probability
     */
    CompletableFuture<Double> submit(float[] values, int offset) {
        CompletableFuture<Double> result = new CompletableFuture<>();
        if (closed) {
            result.completeExceptionally(new IllegalStateException("The batcher of model \"" + scorer.model().name()
                    + "\" is closed"));
            return result;
        }
        queue.add(new Item(values, offset, result));
        return result;
    }

    private void run() {
        int columns = scorer.model().schema().size();
        float[] values = new float[maxRows * columns];
        double[] out = new double[maxRows];
        FeatureBatch batch = FeatureBatch.wrap(scorer.model().schema(), values, maxRows);
        List<Item> items = new ArrayList<>(maxRows);
        while (!closed) {
            try {
                Item first = queue.poll(100, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                items.add(first);
                queue.drainTo(items, maxRows - 1);
                if (maxDelayNanos > 0 && items.size() < maxRows) {
                    long deadline = System.nanoTime() + maxDelayNanos;
                    long left;
                    while (items.size() < maxRows && (left = deadline - System.nanoTime()) > 0) {
                        Item next = queue.poll(left, TimeUnit.NANOSECONDS);
                        if (next == null) {
                            break;
                        }
                        items.add(next);
                        queue.drainTo(items, maxRows - items.size());
                    }
                }
                int n = items.size();
                for (int r = 0; r < n; r++) {
                    Item item = items.get(r);
                    System.arraycopy(item.values, item.offset, values, r * columns, columns);
                }
                try {
                    batch.setRows(n);
                    scorer.score(batch, out);
                    onBatch.accept(n);
                    for (int r = 0; r < n; r++) {
                        items.get(r).result.complete(out[r]);
                    }
                } catch (RuntimeException e) {
                    for (Item item : items) {
                        item.result.completeExceptionally(e);
                    }
                }
                items.clear();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        for (Thread worker : workers) {
            worker.interrupt();
        }
        Item left;
        while ((left = queue.poll()) != null) {
            left.result.completeExceptionally(new IllegalStateException("The batcher of model \""
                    + scorer.model().name() + "\" was closed"));
        }
    }
}
