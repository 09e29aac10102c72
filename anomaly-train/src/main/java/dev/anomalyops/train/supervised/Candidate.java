package dev.anomalyops.train.supervised;

import dev.anomalyops.core.FeatureSchema;
import dev.anomalyops.core.scoring.FeatureBatch;

/**
 * Anything that turns feature rows into anomaly probabilities and can therefore be evaluated, compared and
 * gated: a model trained here ({@link TrainedModel}) or one trained elsewhere and imported
 * ({@link ImportedModel}, e.g. CatBoost). Implementations are safe to score from one thread at a time at least.
 */
public interface Candidate {
    /** @return a short name for reports, e.g. {@code xgboost} or {@code catboost-imported} */
    String name();

    /** @return the features it reads, in order */
    FeatureSchema schema();

    /**
     * @param batch rows laid out by {@link #schema()}
     * @param out receives one probability of anomaly per row
     */
    void score(FeatureBatch batch, double[] out);

    /**
     * @param batch rows laid out by {@link #schema()}
     * @return one probability of anomaly per row
     */
    default double[] scoreAll(FeatureBatch batch) {
        double[] out = new double[batch.rows()];
        score(batch, out);
        return out;
    }
}
