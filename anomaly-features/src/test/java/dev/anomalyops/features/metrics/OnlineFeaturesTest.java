package dev.anomalyops.features.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.anomalyops.core.InputException;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** Eviction of idle instances on the injected clock, the instance limit, and rejected samples. */
class OnlineFeaturesTest {
    private final AtomicLong now = new AtomicLong();
    private final InstantSource clock = () -> Instant.ofEpochMilli(now.get());

    private static FeatureSpec spec() {
        return FeatureSpec.builder("evict").metrics("x").raw(true).lags(1).build();
    }

    @Test
    void idleInstancesAreEvictedAndStartAfreshWhenTheyReturn() {
        OnlineFeatures online = OnlineFeatures.builder(spec()).clock(clock).idleTimeout(Duration.ofMinutes(10)).build();
        online.update("a", 1, Map.of("x", 1.0));
        now.set(Duration.ofMinutes(6).toMillis());
        online.update("b", 1, Map.of("x", 5.0));
        assertThat(online.instances()).containsExactly("a", "b");
        now.set(Duration.ofMinutes(11).toMillis());
        online.update("b", 2, Map.of("x", 6.0));
        assertThat(online.instances()).containsExactly("b");
        assertThat(online.counters().evicted()).isEqualTo(1);
        // "a" comes back: no lag-1 history any more.
        assertThat(online.update("a", 2, Map.of("x", 2.0))[1]).isNaN();
        assertThat(online.update("b", 3, Map.of("x", 7.0))[1]).isEqualTo(6f);
    }

    @Test
    void theLeastRecentlyUpdatedInstanceGoesWhenTheLimitIsReached() {
        OnlineFeatures online = OnlineFeatures.builder(spec()).clock(clock).maxInstances(2).build();
        online.update("a", 1, Map.of("x", 1.0));
        online.update("b", 1, Map.of("x", 1.0));
        online.update("a", 2, Map.of("x", 1.0));
        online.update("c", 1, Map.of("x", 1.0));
        assertThat(online.instances()).containsExactly("a", "c");
        assertThat(online.bytesPerInstance()).isLessThan(1024);
    }

    @Test
    void rejectedSamplesAreCountedAndReported() {
        OnlineFeatures online = OnlineFeatures.builder(spec()).clock(clock).build();
        online.update("a", 10, Map.of("x", 1.0));
        assertThatThrownBy(() -> online.update("a", 10, Map.of("x", 2.0))).isInstanceOf(InputException.class)
                .hasMessageContaining("\"a\"").hasMessageContaining("duplicate timestamp");
        assertThatThrownBy(() -> online.update("a", 5, Map.of("x", 2.0))).isInstanceOf(InputException.class)
                .hasMessageContaining("out of order");
        assertThat(online.update("a", 11, Map.of("x", 3.0))).containsExactly(3f, 1f);
        assertThat(online.counters()).isEqualTo(new OnlineFeatures.Counters(2, 1, 1, 0));
    }

    @Test
    void keptDuplicatesCountAsSamples() {
        FeatureSpec spec = spec().toBuilder().duplicates(DuplicatePolicy.KEEP).build();
        OnlineFeatures online = OnlineFeatures.builder(spec).clock(clock).build();
        online.update("a", 10, Map.of("x", 1.0));
        assertThat(online.update("a", 10, Map.of("x", 2.0))).containsExactly(2f, 1f);
    }
}
