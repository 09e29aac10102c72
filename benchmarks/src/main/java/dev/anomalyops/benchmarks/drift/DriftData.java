package dev.anomalyops.benchmarks.drift;

import dev.anomalyops.core.FeatureSchema;
import dev.anomalyops.core.scoring.FeatureBatch;
import java.util.SplittableRandom;

/**
 * Synthetic monitoring data with the shapes server metrics have: Gaussian, log-normal (latencies, byte counts),
 * discrete with many ties (counts, states), bounded uniform (utilisations), plus missing values. Drift shifts a
 * third of the features. Deterministic for a seed.
 */
public final class DriftData {
    private DriftData() {}

    /**
     * @param features number of features
     * @return a schema of features {@code f0 ..}
     */
    public static FeatureSchema schema(int features) {
        return FeatureSchema.unnamed(features);
    }

    /**
     * @param schema the layout
     * @param rows rows to make
     * @param drift 0 for training-like data; larger shifts a third of the features by that many units
     * @param seed the random seed
     * @return the rows
     */
    public static FeatureBatch rows(FeatureSchema schema, int rows, double drift, long seed) {
        int columns = schema.size();
        float[] values = new float[Math.multiplyExact(rows, columns)];
        SplittableRandom random = new SplittableRandom(seed);
        int i = 0;
        for (int r = 0; r < rows; r++) {
            for (int f = 0; f < columns; f++, i++) {
                double shift = f % 3 == 0 ? drift : 0;
                double g = gaussian(random);
                double x = switch (f % 4) {
                    case 0 -> 10 + 2 * g + 2 * shift;
                    case 1 -> Math.exp(0.7 * g + shift);
                    case 2 -> Math.max(0, Math.floor(3 + 2 * g + 2 * shift));
                    default -> Math.min(1, random.nextDouble() * (1 + 0.3 * shift));
                };
                if (f % 7 == 6 && random.nextInt(40) == 0) {
                    x = Double.NaN;
                }
                values[i] = (float) x;
            }
        }
        return FeatureBatch.wrap(schema, values, rows);
    }

    /**
     * @param batch rows
     * @param seed the random seed for noise
     * @return a predicted probability per row: a noisy logistic score of a few features
     */
    public static double[] probabilities(FeatureBatch batch, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        double[] p = new double[batch.rows()];
        float[] v = batch.values();
        int c = batch.columns();
        for (int r = 0; r < p.length; r++) {
            double z = -4 + 0.3 * gaussian(random);
            for (int f = 0; f < Math.min(c, 4); f++) {
                float x = v[r * c + f];
                if (x == x) {
                    z += 0.15 * x;
                }
            }
            p[r] = 1 / (1 + Math.exp(-z));
        }
        return p;
    }

    static double gaussian(SplittableRandom random) {
        double u = random.nextDouble();
        double v = random.nextDouble();
        return Math.sqrt(-2 * Math.log1p(-u)) * Math.cos(2 * Math.PI * v);
    }
}
