package dev.anomalyops.drift;

import dev.anomalyops.core.ConfigurationException;
import dev.anomalyops.core.SchemaMismatchException;
import dev.anomalyops.core.scoring.FeatureBatch;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Computes a {@link DriftReport} for a batch of production rows against a {@link ReferenceProfile}: the batch
 * counterpart of {@link DriftMonitor}, with the same statistics. Immutable and thread-safe.
 *
 * <pre>{@code
 * DriftCalculator calculator = DriftCalculator.builder(profile).build();
 * DriftReport report = calculator.compare(lastHour, lastHourProbabilities);
 * double psi = report.feature("cpu_user").psi();
 * }</pre>
 */
public final class DriftCalculator {
    private final ReferenceProfile profile;
    private final double epsilon;
    private final long minimumRows;
    private final double anomalyThreshold;
    private final BinLayout layout;
    private final double[][] referenceShares;
    private final double @Nullable [] predictionReferenceShares;

    private DriftCalculator(Builder builder) {
        this.profile = builder.profile;
        this.epsilon = builder.epsilon;
        this.minimumRows = builder.minimumRows;
        this.anomalyThreshold = builder.anomalyThreshold;
        this.layout = new BinLayout(profile.features(), profile.prediction().orElse(null), anomalyThreshold);
        this.referenceShares = new double[profile.features().size()][];
        for (int f = 0; f < referenceShares.length; f++) {
            referenceShares[f] = profile.features().get(f).frequencies();
        }
        this.predictionReferenceShares = profile.prediction().map(FeatureProfile::frequencies).orElse(null);
    }

    /**
     * @param profile the reference
     * @return a builder with PSI's usual epsilon (1e-4), a minimum of 1 row and an anomaly threshold of 0.5
     */
    public static Builder builder(ReferenceProfile profile) {
        return new Builder(profile);
    }

    /**
     * Compares a batch with the reference.
     *
     * @param window production rows, in the profile's schema
     * @param probabilities their predicted probabilities (at least {@code window.rows()}), or null when unknown
     * @return the drift; the window's timestamps are both {@link Instant#EPOCH}
     * @throws SchemaMismatchException when the batch has another schema than the profile's
     */
    public DriftReport compare(FeatureBatch window, double @Nullable [] probabilities) {
        requireSchema(window);
        long[] counts = new long[layout.width()];
        layout.addRows(window.values(), 0, window.rows(), counts);
        if (probabilities != null) {
            if (probabilities.length < window.rows()) {
                throw new IllegalArgumentException("Expected a probability for each of the " + window.rows()
                        + " rows but received " + probabilities.length);
            }
            layout.addPredictions(probabilities, 0, window.rows(), counts);
        }
        return report(counts, Instant.EPOCH, Instant.EPOCH);
    }

    void requireSchema(FeatureBatch batch) {
        if (batch.columns() != layout.features()
                || !batch.schema().fingerprint().equals(profile.schemaFingerprint())) {
            throw new SchemaMismatchException("Rows have schema " + batch.schema().fingerprint() + " with "
                    + batch.columns() + " features but the drift reference was learnt for schema "
                    + profile.schemaFingerprint() + " with " + layout.features() + " features");
        }
    }

    BinLayout layout() {
        return layout;
    }

    ReferenceProfile profile() {
        return profile;
    }

    double epsilon() {
        return epsilon;
    }

    double anomalyThreshold() {
        return anomalyThreshold;
    }

    /** Turns a count vector into statistics. */
    DriftReport report(long[] counts, Instant start, Instant end) {
        List<FeatureDrift> features = new ArrayList<>(layout.features());
        for (int f = 0; f < layout.features(); f++) {
            long[] bins = new long[layout.bins(f)];
            long[] missingAndOutliers = layout.fold(counts, f, bins);
            features.add(drift(profile.features().get(f).name(), bins, missingAndOutliers, referenceShares[f]));
        }
        Optional<FeatureDrift> prediction = Optional.empty();
        if (predictionReferenceShares != null) {
            long[] bins = new long[layout.predictionBins()];
            long[] missingAndOutliers = layout.foldPrediction(counts, bins);
            prediction = Optional.of(drift(ReferenceProfile.PREDICTION, bins, missingAndOutliers, predictionReferenceShares));
        }
        return new DriftReport(start, end, layout.rows(counts), layout.predictions(counts), layout.anomalies(counts),
                features, prediction);
    }

    private FeatureDrift drift(String name, long[] bins, long[] missingAndOutliers, double[] reference) {
        long binned = 0;
        for (long c : bins) {
            binned += c;
        }
        double[] shares = DriftStatistics.shares(bins);
        double psi = Double.NaN;
        double kl = Double.NaN;
        double js = Double.NaN;
        if (binned >= minimumRows && binned > 0) {
            psi = DriftStatistics.psi(reference, shares, epsilon);
            kl = DriftStatistics.klDivergence(shares, reference, epsilon);
            js = DriftStatistics.jensenShannon(shares, reference);
        }
        return new FeatureDrift(name, binned, missingAndOutliers[0], missingAndOutliers[1], psi, kl, js, shares, reference);
    }

    /** Builds a {@link DriftCalculator}; {@link #build()} reports every invalid value at once. */
    public static final class Builder {
        private final ReferenceProfile profile;
        private double epsilon = DriftStatistics.DEFAULT_EPSILON;
        private long minimumRows = 1;
        private double anomalyThreshold = 0.5;

        private Builder(ReferenceProfile profile) {
            this.profile = Objects.requireNonNull(profile, "profile");
        }

        /**
         * @param epsilon the floor for empty-bin shares, in (0, 0.1]
         * @return this builder
         */
        public Builder epsilon(double epsilon) {
            this.epsilon = epsilon;
            return this;
        }

        /**
         * @param minimumRows fewer non-missing values than this give NaN statistics (small samples make PSI noisy)
         * @return this builder
         */
        public Builder minimumRows(long minimumRows) {
            this.minimumRows = minimumRows;
            return this;
        }

        /**
         * @param anomalyThreshold predicted probabilities at or above it count as anomalies, in [0, 1]; use the
         *     bundle's threshold
         * @return this builder
         */
        public Builder anomalyThreshold(double anomalyThreshold) {
            this.anomalyThreshold = anomalyThreshold;
            return this;
        }

        List<String> problems() {
            List<String> problems = new ArrayList<>();
            if (!(epsilon > 0 && epsilon <= 0.1)) {
                problems.add("epsilon must be in (0, 0.1] but was " + epsilon);
            }
            if (minimumRows < 1) {
                problems.add("minimumRows must be >= 1 but was " + minimumRows);
            }
            if (!(anomalyThreshold >= 0 && anomalyThreshold <= 1)) {
                problems.add("anomalyThreshold must be in [0, 1] but was " + anomalyThreshold);
            }
            return problems;
        }

        /**
         * @return the calculator
         * @throws ConfigurationException listing every invalid value
         */
        public DriftCalculator build() {
            List<String> problems = problems();
            if (!problems.isEmpty()) {
                throw new ConfigurationException(problems);
            }
            return new DriftCalculator(this);
        }
    }
}
