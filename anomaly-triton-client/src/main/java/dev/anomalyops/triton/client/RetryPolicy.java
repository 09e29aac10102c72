package dev.anomalyops.triton.client;

import dev.anomalyops.triton.ServiceUnavailableException;

import java.time.Duration;
import java.util.Objects;

/**
 * How {@link TritonClient} retries calls that failed with {@link ServiceUnavailableException} (and nothing
 * else): up to {@code maxAttempts} attempts, waiting {@code initialBackoff × multiplier^(attempt-1)} (capped at
 * {@code maxBackoff}) between them, never past the call's deadline.
 *
 * @param maxAttempts attempts in all, at least 1 (1 = no retry)
 * @param initialBackoff wait before the second attempt
 * @param maxBackoff longest wait
 * @param multiplier growth of the wait per attempt, at least 1
 */
public record RetryPolicy(int maxAttempts, Duration initialBackoff, Duration maxBackoff, double multiplier) {
    /** Checks the values. */
    public RetryPolicy {
        Objects.requireNonNull(initialBackoff, "initialBackoff");
        Objects.requireNonNull(maxBackoff, "maxBackoff");
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("maxAttempts must be at least 1 but was " + maxAttempts);
        }
        if (initialBackoff.isNegative() || maxBackoff.compareTo(initialBackoff) < 0) {
            throw new IllegalArgumentException("backoffs must satisfy 0 <= initialBackoff <= maxBackoff but were "
                    + initialBackoff + " and " + maxBackoff);
        }
        if (!(multiplier >= 1.0)) {
            throw new IllegalArgumentException("multiplier must be at least 1 but was " + multiplier);
        }
    }

    /** @return 4 attempts, 50 ms doubling up to 1 s */
    public static RetryPolicy defaults() {
        return new RetryPolicy(4, Duration.ofMillis(50), Duration.ofSeconds(1), 2.0);
    }

    /** @return a single attempt */
    public static RetryPolicy none() {
        return new RetryPolicy(1, Duration.ZERO, Duration.ZERO, 1.0);
    }

    /**
     * @param attempt the attempt that just failed, from 1
     * @return the wait before the next one
     */
    public Duration backoff(int attempt) {
        double nanos = initialBackoff.toNanos() * Math.pow(multiplier, attempt - 1);
        return Duration.ofNanos((long) Math.min(nanos, maxBackoff.toNanos()));
    }
}
