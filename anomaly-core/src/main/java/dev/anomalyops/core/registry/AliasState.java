package dev.anomalyops.core.registry;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * What a registry stores for one alias: its current target and the targets before it, newest first, so
 * that rollbacks can step back. For registry implementers.
 *
 * @param version the version the alias points to
 * @param history earlier targets, most recent first, at most {@link #MAX_HISTORY}
 * @param updatedAt when the alias last moved
 */
public record AliasState(int version, List<Integer> history, Instant updatedAt) {
    /** How many earlier targets are kept. */
    public static final int MAX_HISTORY = 50;

    /** Copies the history and trims it to {@link #MAX_HISTORY}. */
    public AliasState {
        Objects.requireNonNull(updatedAt, "updatedAt");
        history = List.copyOf(history.size() > MAX_HISTORY ? history.subList(0, MAX_HISTORY) : history);
    }

    /**
     * @param newVersion the new target
     * @param now the time of the move
     * @return the state after moving to {@code newVersion} (this target becomes the newest history entry)
     */
    public AliasState movedTo(int newVersion, Instant now) {
        List<Integer> newHistory = new ArrayList<>(history.size() + 1);
        newHistory.add(version);
        newHistory.addAll(history);
        return new AliasState(newVersion, newHistory, now);
    }

    /**
     * @param now the time of the rollback
     * @return the state after stepping back to the previous target
     * @throws IllegalStateException when there is no previous target
     */
    public AliasState rolledBack(Instant now) {
        if (history.isEmpty()) {
            throw new IllegalStateException("no previous target");
        }
        return new AliasState(history.get(0), history.subList(1, history.size()), now);
    }
}
