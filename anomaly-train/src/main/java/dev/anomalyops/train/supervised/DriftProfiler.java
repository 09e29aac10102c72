package dev.anomalyops.train.supervised;

import dev.anomalyops.core.scoring.FeatureBatch;

/**
 * The drift reference hook of {@link SupervisedTraining}: turns the training rows (raw, unscaled, in the bundle's
 * schema) and the champion's validation-style probabilities on them into the drift reference profile stored in
 * the bundle. {@code anomaly-train} does not depend on {@code anomaly-drift}; callers plug in
 * {@code ReferenceProfile.learn(rows, probabilities, options).toJson()} (the CLI does).
 */
public interface DriftProfiler {
    /** @return the file name inside the bundle, e.g. {@code drift-reference.json} */
    String fileName();

    /**
     * @param rows the training rows
     * @param probabilities the champion's probability for each row
     * @return the profile's bytes; must be deterministic for the same input
     */
    byte[] profile(FeatureBatch rows, double[] probabilities);
}
