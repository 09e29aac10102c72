package dev.anomalyops.core.registry;

import java.util.Objects;
import java.util.OptionalInt;

/**
 * The outcome of moving an alias.
 *
 * @param model the model
 * @param alias the alias that moved
 * @param previous the version it pointed to before, if any
 * @param current the version it points to now
 */
public record AliasChange(String model, String alias, OptionalInt previous, int current) {

    /** Checks nulls. */
    public AliasChange {
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(alias, "alias");
        Objects.requireNonNull(previous, "previous");
    }

    /** @return whether the alias actually moved */
    public boolean changed() {
        return previous.isEmpty() || previous.getAsInt() != current;
    }
}
