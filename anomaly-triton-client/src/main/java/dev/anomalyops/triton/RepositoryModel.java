package dev.anomalyops.triton;

import java.util.Objects;

/**
 * One entry of a server's model repository index.
 *
 * @param name model name
 * @param version version, or an empty string when the server does not say (models not loaded yet)
 * @param state {@code READY}, {@code UNAVAILABLE}, {@code LOADING}, {@code UNLOADING} or {@code UNKNOWN}
 * @param reason why it is in that state, or an empty string
 */
public record RepositoryModel(String name, String version, String state, String reason) {
    /** Checks nulls. */
    public RepositoryModel {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(version, "version");
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(reason, "reason");
    }
}
