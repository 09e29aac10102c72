package dev.anomalyops.features.metrics;

import java.util.Objects;

/**
 * One source metric of a {@link FeatureSpec}: a numeric column of the input.
 *
 * @param name the column name, also the prefix of every feature derived from it
 * @param fill what its missing steps become before features are computed
 * @param required whether a dataset that lacks the column is invalid ({@code false}: the column reads as all
 *        missing, which is how files written before the metric existed are read)
 */
public record MetricSpec(String name, FillPolicy fill, boolean required) {
    /** Checks that the name is present. */
    public MetricSpec {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(fill, "fill");
    }

    /**
     * @param name the column name
     * @return a required metric whose missing steps stay missing
     */
    public static MetricSpec of(String name) {
        return new MetricSpec(name, FillPolicy.NONE, true);
    }
}
