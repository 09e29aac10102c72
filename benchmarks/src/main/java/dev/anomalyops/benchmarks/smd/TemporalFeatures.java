package dev.anomalyops.benchmarks.smd;

import dev.anomalyops.core.FeatureSchema;
import dev.anomalyops.core.scoring.FeatureBatch;
import java.util.ArrayList;
import java.util.List;

/**
 * Causal temporal context for the supervised stage of the SMD protocol: for every metric {@code m} of a machine,
 * its value, its change since the previous row ({@code m_diff_1}), its deviation from the mean of the previous
 * 10 and 60 rows ({@code m_dev_10}, {@code m_dev_60}) and its standard deviation over the last 10 rows
 * ({@code m_std_10}). Computed over the stream train file, production half, evaluation half in that order, each row
 * from itself and earlier rows only, as a streaming scorer would see them. Fixed windows for every machine: no
 * per-dataset tuning. The names follow {@code anomaly-features}' lag/window naming, so cross-validation picks
 * time-ordered folds.
 */
public final class TemporalFeatures {
    private static final int SHORT = 10;
    private static final int LONG = 60;

    private final FeatureSchema schema;
    private final int metrics;

    /**
     * @param metrics number of raw metrics per row
     */
    public TemporalFeatures(int metrics) {
        this.metrics = metrics;
        List<String> names = new ArrayList<>();
        for (int m = 0; m < metrics; m++) {
            String base = "m" + m;
            names.add(base);
            names.add(base + "_diff_1");
            names.add(base + "_dev_" + SHORT);
            names.add(base + "_dev_" + LONG);
            names.add(base + "_std_" + SHORT);
        }
        this.schema = FeatureSchema.of(names.toArray(String[]::new));
    }

    /** @return the derived features' schema */
    public FeatureSchema schema() {
        return schema;
    }

    /**
     * @param split the machine's split
     * @return derived rows of the production half, then of the evaluation half
     */
    public FeatureBatch[] derive(SmdSplit split) {
        FeatureBatch[] parts = {split.train(), split.production(), split.evaluation()};
        int total = 0;
        for (FeatureBatch p : parts) {
            total += p.rows();
        }
        float[] stream = new float[total * metrics];
        int offset = 0;
        for (FeatureBatch p : parts) {
            System.arraycopy(p.values(), 0, stream, offset, p.rows() * metrics);
            offset += p.rows() * metrics;
        }
        int width = schema.size();
        int start = split.train().rows();
        FeatureBatch production = FeatureBatch.allocate(schema, split.production().rows());
        FeatureBatch evaluation = FeatureBatch.allocate(schema, split.evaluation().rows());
        double[] sumShort = new double[metrics];
        double[] sumSquaresShort = new double[metrics];
        double[] sumLong = new double[metrics];
        for (int t = 0; t < total; t++) {
            float[] out = null;
            int row = -1;
            if (t >= start && t < start + production.rows()) {
                out = production.values();
                row = t - start;
            } else if (t >= start + production.rows()) {
                out = evaluation.values();
                row = t - start - production.rows();
            }
            for (int m = 0; m < metrics; m++) {
                double x = stream[t * metrics + m];
                if (out != null) {
                    int o = row * width + m * 5;
                    double previous = t > 0 ? stream[(t - 1) * metrics + m] : x;
                    int nShort = Math.min(t, SHORT);
                    int nLong = Math.min(t, LONG);
                    double meanShort = nShort == 0 ? x : sumShort[m] / nShort;
                    double meanLong = nLong == 0 ? x : sumLong[m] / nLong;
                    // Standard deviation over the previous SHORT rows and this one.
                    double n = nShort + 1;
                    double s = sumShort[m] + x;
                    double ss = sumSquaresShort[m] + x * x;
                    double variance = Math.max(0, ss / n - (s / n) * (s / n));
                    out[o] = (float) x;
                    out[o + 1] = (float) (x - previous);
                    out[o + 2] = (float) (x - meanShort);
                    out[o + 3] = (float) (x - meanLong);
                    out[o + 4] = (float) Math.sqrt(variance);
                }
                sumShort[m] += x;
                sumSquaresShort[m] += x * x;
                sumLong[m] += x;
                if (t >= SHORT) {
                    double old = stream[(t - SHORT) * metrics + m];
                    sumShort[m] -= old;
                    sumSquaresShort[m] -= old * old;
                }
                if (t >= LONG) {
                    sumLong[m] -= stream[(t - LONG) * metrics + m];
                }
            }
        }
        return new FeatureBatch[] {production, evaluation};
    }
}
