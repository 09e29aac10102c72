package dev.anomalyops.rag;

import dev.anomalyops.rag.internal.LruCache;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/** Decorators for any {@link Embedder}: metrics and a cache of recent texts. */
public final class Embedders {
    /** The metric every metered embedder records: milliseconds per {@link Embedder#embedAll} call. */
    public static final String EMBEDDING_DURATION = "embedding_duration_ms";

    private Embedders() {}

    /**
     * Records {@value #EMBEDDING_DURATION} (a distribution of milliseconds per call, tagged with the model
     * name and the batch size bucket).
     *
     * @param embedder the embedder to measure
     * @param registry where to record
     * @return the measured embedder
     */
    public static Embedder metered(Embedder embedder, MeterRegistry registry) {
        Objects.requireNonNull(embedder, "embedder");
        Objects.requireNonNull(registry, "registry");
        DistributionSummary single = summary(registry, embedder.name(), "1");
        DistributionSummary batch = summary(registry, embedder.name(), "many");
        return new Forwarding(embedder) {
            @Override
            public List<float[]> embedAll(List<String> texts) {
                long start = System.nanoTime();
                List<float[]> out = delegate.embedAll(texts);
                (texts.size() == 1 ? single : batch).record((System.nanoTime() - start) / 1e6);
                return out;
            }
        };
    }

    private static DistributionSummary summary(MeterRegistry registry, String model, String batch) {
        return DistributionSummary.builder(EMBEDDING_DURATION)
                .description("Time to embed one batch of texts, in milliseconds")
                .baseUnit("ms")
                .tag("model", model)
                .tag("batch", batch)
                .publishPercentiles(0.5, 0.95, 0.99)
                .register(registry);
    }

    /**
     * Keeps the vectors of recently embedded texts: log messages repeat, and grounding checks embed the
     * same incident texts again and again.
     *
     * @param embedder the embedder to cache
     * @param capacity how many texts to remember
     * @return the caching embedder
     */
    public static Embedder cached(Embedder embedder, int capacity) {
        Objects.requireNonNull(embedder, "embedder");
        LruCache<String, float[]> cache = new LruCache<>(capacity, Duration.ofDays(3650), Clock.systemUTC());
        return new Forwarding(embedder) {
            @Override
            public List<float[]> embedAll(List<String> texts) {
                float[][] out = new float[texts.size()][];
                List<String> missing = new ArrayList<>();
                List<Integer> positions = new ArrayList<>();
                for (int i = 0; i < texts.size(); i++) {
                    Optional<float[]> hit = cache.get(texts.get(i));
                    if (hit.isPresent()) {
                        out[i] = hit.get().clone();
                    } else {
                        missing.add(texts.get(i));
                        positions.add(i);
                    }
                }
                if (!missing.isEmpty()) {
                    List<float[]> computed = delegate.embedAll(missing);
                    for (int j = 0; j < computed.size(); j++) {
                        out[positions.get(j)] = computed.get(j);
                        cache.put(missing.get(j), computed.get(j).clone());
                    }
                }
                return List.of(out);
            }
        };
    }

    private abstract static class Forwarding implements Embedder {
        final Embedder delegate;

        Forwarding(Embedder delegate) {
            this.delegate = delegate;
        }

        @Override
        public String name() {
            return delegate.name();
        }

        @Override
        public int dimension() {
            return delegate.dimension();
        }

        @Override
        public void close() {
            delegate.close();
        }
    }
}
