package dev.anomalyops.train.supervised;

import java.util.Objects;

/**
 * How much one feature contributes to a tree ensemble, in XGBoost's terms.
 *
 * @param feature the feature's name
 * @param splits how many splits use it ({@code weight})
 * @param gain average loss reduction of its splits ({@code gain})
 * @param totalGain summed loss reduction ({@code total_gain}); the ranking key
 * @param cover average number of (weighted) training rows its splits see ({@code cover}); NaN when the engine
 *     does not report it (LightGBM)
 */
public record FeatureImportance(String feature, long splits, double gain, double totalGain, double cover) {
    /** Checks the name. */
    public FeatureImportance {
        Objects.requireNonNull(feature, "feature");
    }
}
