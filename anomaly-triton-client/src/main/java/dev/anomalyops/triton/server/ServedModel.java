package dev.anomalyops.triton.server;

import dev.anomalyops.core.scoring.Scorer;
import java.util.Objects;

/**
 * One version of a model, served by a scorer.
 *
 * @param version the version label clients use (Triton uses numbers: "1", "2", ...)
 * @param scorer the scorer; the service closes it when the version is unloaded or replaced
 */
public record ServedModel(String version, Scorer scorer) {
    /** Checks nulls. */
    public ServedModel {
        Objects.requireNonNull(version, "version");
        Objects.requireNonNull(scorer, "scorer");
    }
}
