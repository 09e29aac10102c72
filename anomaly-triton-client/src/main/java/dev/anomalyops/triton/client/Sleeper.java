package dev.anomalyops.triton.client;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** Waits between retries without blocking a thread; tests inject one that records waits and returns at once. */
@FunctionalInterface
public interface Sleeper {
    /**
     * @param duration how long to wait
     * @return completes after that long
     */
    CompletableFuture<Void> sleep(Duration duration);

    /** @return a sleeper on the JDK's shared delayed executor */
    static Sleeper system() {
        return duration -> CompletableFuture.runAsync(() -> { },
                CompletableFuture.delayedExecutor(duration.toNanos(), TimeUnit.NANOSECONDS));
    }
}
