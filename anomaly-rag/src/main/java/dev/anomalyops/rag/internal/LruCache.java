package dev.anomalyops.rag.internal;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * A small thread-safe LRU cache with a time to live, on an injected clock. Synchronised: entries are few
 * and operations are short, so a lock is cheaper than anything cleverer here.
 *
 * @param <K> key type
 * @param <V> value type
 */
public final class LruCache<K, V> {
    private record Entry<V>(V value, Instant expires) {}

    private final int capacity;
    private final Duration ttl;
    private final Clock clock;
    private final LinkedHashMap<K, Entry<V>> map;

    /**
     * @param capacity the most entries kept, at least 1
     * @param ttl how long an entry stays valid
     * @param clock the time source
     */
    public LruCache(int capacity, Duration ttl, Clock clock) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be at least 1 but was " + capacity);
        }
        this.capacity = capacity;
        this.ttl = ttl;
        this.clock = clock;
        this.map = new LinkedHashMap<>(16, 0.75f, true) {
            private static final long serialVersionUID = 1L;

            @Override
            protected boolean removeEldestEntry(Map.Entry<K, Entry<V>> eldest) {
                return size() > LruCache.this.capacity;
            }
        };
    }

    /**
     * @param key a key
     * @return the live value, if any
     */
    public synchronized Optional<V> get(K key) {
        Entry<V> entry = map.get(key);
        if (entry == null) {
            return Optional.empty();
        }
        if (!clock.instant().isBefore(entry.expires())) {
            map.remove(key);
            return Optional.empty();
        }
        return Optional.of(entry.value());
    }

    /**
     * @param key a key
     * @param value its value, replacing any older one
     */
    public synchronized void put(K key, V value) {
        map.put(key, new Entry<>(value, clock.instant().plus(ttl)));
    }

    /** @return the number of entries, expired ones included until they are next looked up */
    public synchronized int size() {
        return map.size();
    }
}
