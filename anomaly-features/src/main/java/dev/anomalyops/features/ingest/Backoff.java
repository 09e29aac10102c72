package dev.anomalyops.features.ingest;

import dev.anomalyops.core.ConfigurationException;
import dev.anomalyops.core.NonRetriableException;
import dev.anomalyops.core.RetriableException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Supplier;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkClientException;

/**
 * Exponential back-off with full jitter for AWS calls: throttling errors (HTTP 429, {@code ThrottlingException},
 * {@code Throttling}, {@code LimitExceededException}...), 5xx answers and connection failures are retried after a
 * random delay in [0, min(max, initial * 2^attempt)); other service errors fail at once. Sleeping and randomness
 * are injected, so tests run without waiting.
 *
 * @param initial the first delay bound
 * @param max the largest delay bound
 * @param maxAttempts the most attempts of one call (1 = no retry)
 * @param sleeper how to wait
 * @param seed the jitter's seed
 */
public record Backoff(Duration initial, Duration max, int maxAttempts, Sleeper sleeper, long seed) {
    /** Waits; {@code Thread::sleep} in production, a recorder in tests. */
    @FunctionalInterface
    public interface Sleeper {
        /**
         * @param millis how long to wait
         * @throws InterruptedException when interrupted
         */
        void sleep(long millis) throws InterruptedException;
    }

    /** Checks the settings. */
    public Backoff {
        List<String> problems = new ArrayList<>();
        if (initial.isNegative() || initial.isZero()) {
            problems.add("Back-off initial delay must be positive but was " + initial);
        }
        if (max.compareTo(initial) < 0) {
            problems.add("Back-off max delay (" + max + ") must not be below the initial one (" + initial + ")");
        }
        if (maxAttempts < 1) {
            problems.add("Back-off maxAttempts must be at least 1 but was " + maxAttempts);
        }
        if (!problems.isEmpty()) {
            throw new ConfigurationException(problems);
        }
    }

    /** @return 200 ms initial, 20 s max, 8 attempts, real sleeping */
    public static Backoff defaults() {
        return new Backoff(Duration.ofMillis(200), Duration.ofSeconds(20), 8, Thread::sleep, System.nanoTime());
    }

    /** A back-off bound to one random stream: use one per exporter run. */
    final class Runner {
        private final Random random = new Random(seed);
        private long retries;

        <T> T call(String what, Supplier<T> call) {
            for (int attempt = 1; ; attempt++) {
                try {
                    return call.get();
                } catch (AwsServiceException e) {
                    boolean transientError = e.isThrottlingException() || e.statusCode() >= 500;
                    if (!transientError) {
                        throw new NonRetriableException(what + " failed: " + e.getMessage(), e);
                    }
                    pause(what, attempt, e);
                } catch (SdkClientException e) {
                    pause(what, attempt, e);
                }
            }
        }

        private void pause(String what, int attempt, RuntimeException cause) {
            if (attempt >= maxAttempts) {
                throw new RetriableException(what + " still failing after " + attempt + " attempts: " + cause.getMessage(), cause);
            }
            long bound = Math.min(max.toMillis(), initial.toMillis() << Math.min(attempt - 1, 30));
            long delay = (long) (random.nextDouble() * bound);
            retries++;
            try {
                sleeper.sleep(delay);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new RetriableException(what + " was interrupted while backing off", e);
            }
        }

        long retries() {
            return retries;
        }
    }
}
