package dev.anomalyops.drift.internal;

import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;

/**
 * Counters over a sliding time window in constant memory: a ring of {@code panes} count vectors, each covering
 * {@code window / panes} of time, plus one open vector per stripe where writers add. Raw rows are never kept.
 *
 * <p>Writers pick a stripe by thread (so concurrent scorer threads rarely share a lock), lock it, call
 * {@link #open} with the current pane and add to the returned vector. A stripe's counts move into the ring when its
 * pane ends or when a reader takes a {@link #sum}. The window a reader sees is the current (partial) pane plus the
 * {@code panes - 1} before it; counts that arrive for a pane that has already left the window are dropped, as
 * they would have expired anyway.
 */
public final class SlidingCounts {
    private static final long NONE = Long.MIN_VALUE;

    private final int width;
    private final long paneMillis;
    private final int panes;
    private final Stripe[] stripes;
    private final int mask;
    private final long[][] ring;
    private final long[] ringPane;

    /**
     * @param width longs per count vector
     * @param window the window length
     * @param panes panes in the window (its time resolution)
     * @param stripes writer stripes; rounded up to a power of two
     */
    public SlidingCounts(int width, Duration window, int panes, int stripes) {
        if (panes < 1 || width < 1 || stripes < 1) {
            throw new IllegalArgumentException("width, panes and stripes must be >= 1 but were " + width + ", " + panes
                    + " and " + stripes);
        }
        long millis = window.toMillis();
        if (millis < panes || millis % panes != 0) {
            throw new IllegalArgumentException("The window (" + window + ") must be a whole number of milliseconds per pane ("
                    + panes + " panes)");
        }
        this.width = width;
        this.paneMillis = millis / panes;
        this.panes = panes;
        int n = Integer.bitCount(stripes) == 1 ? stripes : Integer.highestOneBit(stripes) << 1;
        this.stripes = new Stripe[n];
        for (int i = 0; i < n; i++) {
            this.stripes[i] = new Stripe(width);
        }
        this.mask = n - 1;
        this.ring = new long[panes][width];
        this.ringPane = new long[panes];
        Arrays.fill(ringPane, NONE);
    }

    /** A writer's open count vector; lock it while writing. */
    public static final class Stripe {
        private long pane = NONE;
        private final long[] counts;

        private Stripe(int width) {
            this.counts = new long[width];
        }
    }

    /** @return the calling thread's stripe */
    @SuppressWarnings("deprecation") // Thread.getId() is the Java 17 spelling of threadId()
    public Stripe stripe() {
        return stripes[(int) Thread.currentThread().getId() & mask];
    }

    /**
     * @param epochMillis a time
     * @return the pane it falls in
     */
    public long paneOf(long epochMillis) {
        return Math.floorDiv(epochMillis, paneMillis);
    }

    /**
     * Moves the stripe to {@code pane}; call with the stripe locked.
     *
     * @param stripe the caller's stripe, locked
     * @param pane the current pane
     * @return the vector to add to
     */
    public long[] open(Stripe stripe, long pane) {
        if (stripe.pane != pane) {
            flush(stripe);
            stripe.pane = pane;
        }
        return stripe.counts;
    }

    private void flush(Stripe stripe) {
        if (stripe.pane == NONE) {
            return;
        }
        synchronized (ring) {
            int slot = (int) Math.floorMod(stripe.pane, (long) panes);
            if (ringPane[slot] < stripe.pane) {
                Arrays.fill(ring[slot], 0);
                ringPane[slot] = stripe.pane;
            }
            if (ringPane[slot] == stripe.pane) {
                long[] target = ring[slot];
                for (int i = 0; i < width; i++) {
                    target[i] += stripe.counts[i];
                }
            }
        }
        Arrays.fill(stripe.counts, 0);
    }

    /**
     * Sums the window ending with the pane of {@code epochMillis}.
     *
     * @param epochMillis now
     * @return the window's counts (a new vector)
     */
    public long[] sum(long epochMillis) {
        long now = paneOf(epochMillis);
        for (Stripe stripe : stripes) {
            synchronized (stripe) {
                flush(stripe);
            }
        }
        long[] total = new long[width];
        synchronized (ring) {
            for (int slot = 0; slot < panes; slot++) {
                if (ringPane[slot] != NONE && ringPane[slot] <= now && ringPane[slot] > now - panes) {
                    long[] counts = ring[slot];
                    for (int i = 0; i < width; i++) {
                        total[i] += counts[i];
                    }
                }
            }
        }
        return total;
    }

    /**
     * @param epochMillis now
     * @return where the window ending with the pane of {@code epochMillis} starts
     */
    public Instant windowStart(long epochMillis) {
        return Instant.ofEpochMilli((paneOf(epochMillis) - panes + 1) * paneMillis);
    }

    /**
     * @param epochMillis now
     * @return where that window ends (the end of the current pane)
     */
    public Instant windowEnd(long epochMillis) {
        return Instant.ofEpochMilli((paneOf(epochMillis) + 1) * paneMillis);
    }
}
