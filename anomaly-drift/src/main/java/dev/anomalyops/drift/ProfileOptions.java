package dev.anomalyops.drift;

import dev.anomalyops.core.ConfigurationException;
import java.util.ArrayList;
import java.util.List;

/**
 * How a {@link ReferenceProfile} is learnt: the number of quantile bins per feature and the multiplier of Tukey's
 * outlier fences ({@code q1 - k·IQR}, {@code q3 + k·IQR}).
 *
 * @param bins quantile bins per feature before equal edges are merged: 10 (deciles) by default, 2 to 100
 * @param outlierMultiplier {@code k} of the outlier fences: 1.5 by default, positive and finite
 */
public record ProfileOptions(int bins, double outlierMultiplier) {
    /** Bins per feature by default: deciles. */
    public static final int DEFAULT_BINS = 10;
    /** The most bins per feature; bin labels are two digits. */
    public static final int MAX_BINS = 100;
    /** Tukey's classic fence multiplier. */
    public static final double DEFAULT_OUTLIER_MULTIPLIER = 1.5;

    /** @throws IllegalArgumentException when a value is out of range (builders report every problem instead) */
    public ProfileOptions {
        List<String> problems = problems(bins, outlierMultiplier);
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(String.join("; ", problems));
        }
    }

    /** @return deciles and Tukey's 1.5 fences */
    public static ProfileOptions defaults() {
        return new ProfileOptions(DEFAULT_BINS, DEFAULT_OUTLIER_MULTIPLIER);
    }

    /** @return a builder starting from the defaults */
    public static Builder builder() {
        return new Builder();
    }

    private static List<String> problems(int bins, double outlierMultiplier) {
        List<String> problems = new ArrayList<>();
        if (bins < 2 || bins > MAX_BINS) {
            problems.add("bins must be between 2 and " + MAX_BINS + " but was " + bins);
        }
        if (!(outlierMultiplier > 0) || !Double.isFinite(outlierMultiplier)) {
            problems.add("outlierMultiplier must be positive and finite but was " + outlierMultiplier);
        }
        return problems;
    }

    /** Builds {@link ProfileOptions}; {@link #build()} reports every invalid value at once. */
    public static final class Builder {
        private int bins = DEFAULT_BINS;
        private double outlierMultiplier = DEFAULT_OUTLIER_MULTIPLIER;

        private Builder() {}

        /**
         * @param bins quantile bins per feature, 2 to 100
         * @return this builder
         */
        public Builder bins(int bins) {
            this.bins = bins;
            return this;
        }

        /**
         * @param outlierMultiplier {@code k} of Tukey's fences
         * @return this builder
         */
        public Builder outlierMultiplier(double outlierMultiplier) {
            this.outlierMultiplier = outlierMultiplier;
            return this;
        }

        /**
         * @return the options
         * @throws ConfigurationException listing every invalid value
         */
        public ProfileOptions build() {
            List<String> problems = problems(bins, outlierMultiplier);
            if (!problems.isEmpty()) {
                throw new ConfigurationException(problems);
            }
            return new ProfileOptions(bins, outlierMultiplier);
        }
    }
}
