package dev.anomalyops.train.detect;

import dev.anomalyops.core.BackendUnavailableException;
import dev.anomalyops.core.ConfigurationException;
import dev.anomalyops.core.FeatureSchema;
import dev.anomalyops.core.InputException;
import dev.anomalyops.train.RowSource;
import dev.anomalyops.train.internal.Quantiles;
import dev.anomalyops.train.internal.Quarantine;
import dev.anomalyops.train.internal.TopK;
import dev.anomalyops.train.internal.TribuoOneClass;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SplittableRandom;

/**
 * Tribuo's linear one-class SVM ({@code org.tribuo:tribuo-anomaly-liblinear}, liblinear's {@code ONECLASS_SVM}
 * solver) behind the {@link AnomalyDetector} interface, as a second, very different detector to compare with
 * the {@link IsolationForest}. It learns a hyperplane {@code w · x = ρ} separating the training rows from the
 * origin; rows on the origin's side are anomalous. Being linear, it suits features whose anomalies are low
 * values (or that were transformed so); it cannot enclose a region the way a forest does.
 *
 * <p>Tribuo is an optional dependency of anomaly-train: add {@code org.tribuo:tribuo-anomaly-liblinear} to use
 * this detector. Scoring a fitted model, in memory or from its bundle, needs no Tribuo (the model keeps only
 * the linear function).
 *
 * <p>liblinear needs every training row in memory as objects (about 40 bytes per value), so the fit trains on
 * a uniform sample of at most {@link Builder#maxSamples(int)} rows (default 20 000), drawn in one streaming
 * pass; a second pass scores every training row to set the scale and the threshold.
 */
public final class OneClassSvm implements AnomalyDetector {
    /** The detector name recorded in bundles. */
    public static final String NAME = "one-class-svm";

    private final double nu;
    private final double cost;
    private final int maxIterations;
    private final double tolerance;
    private final int maxSamples;
    private final Contamination contamination;
    private final long seed;

    private OneClassSvm(Builder builder) {
        this.nu = builder.nu;
        this.cost = builder.cost;
        this.maxIterations = builder.maxIterations;
        this.tolerance = builder.tolerance;
        this.maxSamples = builder.maxSamples;
        this.contamination = builder.contamination;
        this.seed = builder.seed;
    }

    /** @return a builder with Tribuo's defaults (nu 0.5, cost 1, 1000 iterations, tolerance 0.1) */
    public static Builder builder() {
        return new Builder();
    }

    /** @return whether Tribuo is on the class path, so this detector can fit */
    public static boolean isAvailable() {
        return TribuoOneClass.available();
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public OneClassSvmModel fit(RowSource rows) {
        Objects.requireNonNull(rows, "rows");
        long started = System.nanoTime();
        FeatureSchema schema = rows.schema();
        int d = schema.size();
        float[] sample = new float[Math.multiplyExact(maxSamples, d)];
        SplittableRandom random = new SplittableRandom(seed);
        Quarantine quarantine = new Quarantine(schema);
        long[] counts = new long[2];
        // Uniform reservoir sample (Vitter's Algorithm R): the fit holds maxSamples rows whatever the source size.
        rows.forEachBatch((batch, first) -> {
            float[] values = batch.values();
            for (int r = 0; r < batch.rows(); r++) {
                counts[0]++;
                if (!quarantine.admit(values, r * d, first + r)) {
                    continue;
                }
                long v = counts[1]++;
                long slot = v < maxSamples ? v : random.nextLong(v + 1);
                if (slot < maxSamples) {
                    System.arraycopy(values, r * d, sample, (int) slot * d, d);
                }
            }
        });
        long used = counts[1];
        if (used < 2) {
            throw new InputException("Cannot fit a one-class SVM on " + used + " usable rows (read " + counts[0]
                    + ", left out " + quarantine.count() + " with non-finite values); at least 2 are needed");
        }
        int n = (int) Math.min(used, maxSamples);
        double[] means = new double[d];
        for (int r = 0; r < n; r++) {
            for (int j = 0; j < d; j++) {
                means[j] += sample[r * d + j];
            }
        }
        for (int j = 0; j < d; j++) {
            means[j] /= n;
        }
        TribuoOneClass.Fitted fitted = TribuoOneClass.train(sample, n, schema.names(), nu, cost, maxIterations, tolerance);

        // Second pass: margins of every usable training row give the scale (their standard deviation) and,
        // for a contamination fraction, the threshold.
        double[] moments = new double[3];
        TopK top = contamination.isAuto() ? null : new TopK(Quantiles.needed(used, contamination.fraction()));
        rows.forEachBatch((batch, first) -> {
            float[] values = batch.values();
            for (int r = 0; r < batch.rows(); r++) {
                if (!Quarantine.allFinite(values, r * d, d)) {
                    continue;
                }
                double margin = OneClassSvmModel.margin(fitted.weights(), fitted.intercept(), means, values, r * d);
                moments[0]++;
                double delta = margin - moments[1];
                moments[1] += delta / moments[0];
                moments[2] += delta * (margin - moments[1]);
                if (top != null) {
                    top.add(margin);
                }
            }
        });
        double scale = Math.sqrt(moments[2] / Math.max(1, moments[0] - 1));
        if (!(scale > 0)) {
            scale = 1.0;
        }
        double threshold;
        if (top == null) {
            threshold = 0.5;
        } else {
            double cut = Quantiles.upperThreshold(top.descending(), used, contamination.fraction());
            threshold = Math.nextUp(OneClassSvmModel.squash(cut, scale));
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        FitReport report = new FitReport(counts[0], used, quarantine.count(), quarantine.samples(), seconds);
        Map<String, String> params = new LinkedHashMap<>();
        params.put("nu", Double.toString(nu));
        params.put("cost", Double.toString(cost));
        params.put("max_iterations", Integer.toString(maxIterations));
        params.put("tolerance", Double.toString(tolerance));
        params.put("max_samples", Integer.toString(maxSamples));
        params.put("max_samples_used", Integer.toString(n));
        params.put("contamination", contamination.toString());
        params.put("seed", Long.toString(seed));
        return new OneClassSvmModel(schema, fitted.weights(), fitted.intercept(), means, scale, contamination, threshold,
                params, report);
    }

    /** Configures a {@link OneClassSvm}; {@link #build()} reports every invalid setting at once. */
    public static final class Builder {
        private double nu = 0.5;
        private double cost = 1.0;
        private int maxIterations = 1000;
        private double tolerance = 0.1;
        private int maxSamples = 20_000;
        private Contamination contamination = Contamination.auto();
        private long seed;

        private Builder() {}

        /**
         * @param nu upper bound on the share of training rows outside the boundary, in (0, 1] (default 0.5)
         * @return this builder
         */
        public Builder nu(double nu) {
            this.nu = nu;
            return this;
        }

        /**
         * @param cost liblinear's C (default 1)
         * @return this builder
         */
        public Builder cost(double cost) {
            this.cost = cost;
            return this;
        }

        /**
         * @param maxIterations liblinear's iteration cap (default 1000)
         * @return this builder
         */
        public Builder maxIterations(int maxIterations) {
            this.maxIterations = maxIterations;
            return this;
        }

        /**
         * @param tolerance liblinear's stopping tolerance (default 0.1)
         * @return this builder
         */
        public Builder tolerance(double tolerance) {
            this.tolerance = tolerance;
            return this;
        }

        /**
         * @param rows most rows the SVM is trained on, sampled uniformly (default 20 000)
         * @return this builder
         */
        public Builder maxSamples(int rows) {
            this.maxSamples = rows;
            return this;
        }

        /**
         * @param contamination how the threshold is set: auto = the SVM's own boundary (default)
         * @return this builder
         */
        public Builder contamination(Contamination contamination) {
            this.contamination = Objects.requireNonNull(contamination, "contamination");
            return this;
        }

        /**
         * @param seed seed of the row sample (liblinear itself is deterministic)
         * @return this builder
         */
        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        /**
         * @return the detector
         * @throws ConfigurationException listing every invalid setting
         * @throws BackendUnavailableException when Tribuo is not on the class path
         */
        public OneClassSvm build() {
            List<String> problems = new ArrayList<>();
            if (!(nu > 0 && nu <= 1)) {
                problems.add("nu was " + nu + " but it must be in (0, 1]");
            }
            if (!(cost > 0)) {
                problems.add("cost was " + cost + " but it must be positive");
            }
            if (maxIterations < 1) {
                problems.add("maxIterations was " + maxIterations + " but it must be at least 1");
            }
            if (!(tolerance > 0)) {
                problems.add("tolerance was " + tolerance + " but it must be positive");
            }
            if (maxSamples < 2) {
                problems.add("maxSamples was " + maxSamples + " but it must be at least 2");
            }
            if (!problems.isEmpty()) {
                throw new ConfigurationException(problems);
            }
            if (!TribuoOneClass.available()) {
                throw new BackendUnavailableException("The one-class SVM needs Tribuo: add the Maven artifact"
                        + " org.tribuo:tribuo-anomaly-liblinear to the class path");
            }
            return new OneClassSvm(this);
        }
    }
}
