package dev.anomalyops.app.server;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * A token bucket per client (its IP address): {@code burst} requests at once, refilled at {@code perSecond}. Buckets
 * of idle clients are dropped when more than {@code maxClients} are tracked, so a scan from many addresses cannot grow
 * the map without bound. Thread-safe.
 */
final class ClientRateLimiter {
    private final double perNano;
    private final double burst;
    private final int maxClients;
    private final LongSupplier nanoTime;
    private final Map<String, Bucket> buckets = new ConcurrentHashMap<>();

    /**
     * @param perSecond sustained requests per second per client
     * @param burst requests a client may send at once
     * @param maxClients clients tracked before idle ones are forgotten
     * @param nanoTime monotonic time (tests drive it)
     */
    ClientRateLimiter(double perSecond, int burst, int maxClients, LongSupplier nanoTime) {
        this.perNano = perSecond / 1e9;
        this.burst = burst;
        this.maxClients = maxClients;
        this.nanoTime = nanoTime;
    }

    /**
     * @param client the client's key
     * @return whether the request may go on (false: answer 429)
     */
    boolean tryAcquire(String client) {
        long now = nanoTime.getAsLong();
        if (buckets.size() >= maxClients && !buckets.containsKey(client)) {
            buckets.values().removeIf(b -> b.full(now));
        }
        Bucket bucket = buckets.computeIfAbsent(client, c -> new Bucket(burst, now));
        return bucket.take(now);
    }

    /** @return clients tracked now */
    int clients() {
        return buckets.size();
    }

    private final class Bucket {
        private double tokens;
        private long at;

        Bucket(double tokens, long at) {
            this.tokens = tokens;
            this.at = at;
        }

        synchronized boolean take(long now) {
            refill(now);
            if (tokens >= 1) {
                tokens -= 1;
                return true;
            }
            return false;
        }

        synchronized boolean full(long now) {
            refill(now);
            return tokens >= burst;
        }

        private void refill(long now) {
            tokens = Math.min(burst, tokens + Math.max(0, now - at) * perNano);
            at = now;
        }
    }
}
