package dev.anomalyops.rollout;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.DoubleSupplier;
import org.jspecify.annotations.Nullable;

/**
 * Sends each request to a variant of a {@link TrafficSplit}. Requests with a user id are sticky: the id is
 * hashed (SHA-256 of salt and id, the first 64 bits as a fraction of 2^64) to a stable position in [0, 1), so a
 * user keeps their variant for as long as the weights hold, on every server and after restarts. Requests
 * without a user id get a random position. Thread-safe; the split can be replaced at any time.
 *
 * <pre>{@code
 * TrafficRouter router = TrafficRouter.of(TrafficSplit.of("champion", 70, "challenger", "exp-42"));
 * Route route = router.route(request.header("X-User-Id"));   // null when absent
 * Scorer scorer = route.variant().equals("champion") ? champion : challenger;
 * }</pre>
 */
public final class TrafficRouter {
    private volatile TrafficSplit split;
    private final DoubleSupplier random;

    private TrafficRouter(TrafficSplit split, DoubleSupplier random) {
        this.split = Objects.requireNonNull(split, "split");
        this.random = Objects.requireNonNull(random, "random");
    }

    /**
     * @param split the initial split
     * @return a router drawing random positions from {@link ThreadLocalRandom}
     */
    public static TrafficRouter of(TrafficSplit split) {
        return new TrafficRouter(split, () -> ThreadLocalRandom.current().nextDouble());
    }

    /**
     * @param split the initial split
     * @param random uniform numbers in [0, 1) for requests without a user id (inject a seeded one in tests);
     *     must be thread-safe if the router is shared
     * @return the router
     */
    public static TrafficRouter of(TrafficSplit split, DoubleSupplier random) {
        return new TrafficRouter(split, random);
    }

    /**
     * A routing decision.
     *
     * @param variant the chosen variant
     * @param sticky whether it came from the user id (true) or at random (false)
     * @param position the position in [0, 1) that chose it
     */
    public record Route(String variant, boolean sticky, double position) {}

    /**
     * @param userId the user's id (header or cookie), or null/blank for a random assignment
     * @return the variant for this request
     */
    public Route route(@Nullable String userId) {
        TrafficSplit current = split;
        if (userId == null || userId.isBlank()) {
            double position = random.getAsDouble();
            return new Route(current.variantAt(position), false, position);
        }
        double position = position(current.salt(), userId);
        return new Route(current.variantAt(position), true, position);
    }

    /** @return the split in force */
    public TrafficSplit split() {
        return split;
    }

    /**
     * Replaces the split; users move only where the slice boundaries moved.
     *
     * @param newSplit the new split
     */
    public void update(TrafficSplit newSplit) {
        this.split = Objects.requireNonNull(newSplit, "newSplit");
    }

    /**
     * @param salt the experiment's salt
     * @param userId a user id
     * @return the user's stable position in [0, 1)
     */
    public static double position(String salt, String userId) {
        MessageDigest digest = sha256();
        digest.update(salt.getBytes(StandardCharsets.UTF_8));
        digest.update((byte) 0);
        digest.update(userId.getBytes(StandardCharsets.UTF_8));
        long bits = ByteBuffer.wrap(digest.digest()).getLong();
        // The top 53 bits, as a double in [0, 1) with full precision.
        return (bits >>> 11) * 0x1.0p-53;
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available", e);
        }
    }
}
