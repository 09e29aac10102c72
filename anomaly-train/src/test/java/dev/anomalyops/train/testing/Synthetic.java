package dev.anomalyops.train.testing;

import dev.anomalyops.core.FeatureSchema;
import dev.anomalyops.core.scoring.FeatureBatch;
import java.util.SplittableRandom;

/** Seeded synthetic data: a Gaussian cloud with a few far-away outliers at known rows. */
public final class Synthetic {
    private Synthetic() {}

    /**
     * @param rows total rows
     * @param features features per row
     * @param outlierEvery every k-th row is an outlier (shifted by 6 standard deviations in every feature)
     * @param seed the seed
     * @return the rows
     */
    public static FeatureBatch cloud(int rows, int features, int outlierEvery, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        FeatureBatch batch = FeatureBatch.allocate(FeatureSchema.unnamed(features), rows);
        float[] values = batch.values();
        for (int r = 0; r < rows; r++) {
            boolean outlier = isOutlier(r, outlierEvery);
            for (int c = 0; c < features; c++) {
                values[r * features + c] = (float) (random.nextGaussian() + (outlier ? 6.0 : 0.0));
            }
        }
        return batch;
    }

    /**
     * @param row a row index
     * @param outlierEvery the period of outliers
     * @return whether {@link #cloud} made that row an outlier
     */
    public static boolean isOutlier(int row, int outlierEvery) {
        return outlierEvery > 0 && row % outlierEvery == outlierEvery - 1;
    }

    /**
     * @param rows row count
     * @param outlierEvery the period of outliers
     * @return 1 for outlier rows
     */
    public static int[] labels(int rows, int outlierEvery) {
        int[] labels = new int[rows];
        for (int r = 0; r < rows; r++) {
            labels[r] = isOutlier(r, outlierEvery) ? 1 : 0;
        }
        return labels;
    }
}
