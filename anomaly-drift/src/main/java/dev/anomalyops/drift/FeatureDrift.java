package dev.anomalyops.drift;

import java.util.Objects;

/**
 * How one input (a feature, or {@link ReferenceProfile#PREDICTION}) drifted from its reference over a window.
 * Statistics are NaN when the window held fewer non-missing values than the minimum asked for. Immutable.
 */
public final class FeatureDrift {
    private final String name;
    private final long binned;
    private final long missing;
    private final long outliers;
    private final double psi;
    private final double klDivergence;
    private final double jensenShannon;
    private final double[] productionShares;
    private final double[] referenceShares;

    /**
     * @param name the input's name
     * @param binned non-missing values in the window
     * @param missing missing values in the window
     * @param outliers values outside the reference outlier fences
     * @param psi population stability index (NaN when too few values)
     * @param klDivergence KL(production || reference) (NaN when too few values)
     * @param jensenShannon Jensen-Shannon divergence (NaN when too few values)
     * @param productionShares the window's share per reference bin
     * @param referenceShares the reference share per bin
     */
    public FeatureDrift(String name, long binned, long missing, long outliers, double psi, double klDivergence,
            double jensenShannon, double[] productionShares, double[] referenceShares) {
        this.name = Objects.requireNonNull(name, "name");
        this.binned = binned;
        this.missing = missing;
        this.outliers = outliers;
        this.psi = psi;
        this.klDivergence = klDivergence;
        this.jensenShannon = jensenShannon;
        this.productionShares = productionShares.clone();
        this.referenceShares = referenceShares.clone();
        if (this.productionShares.length != this.referenceShares.length) {
            throw new IllegalArgumentException("Production and reference shares of \"" + name + "\" need the same bins but had "
                    + this.productionShares.length + " and " + this.referenceShares.length);
        }
    }

    /** @return the input's name */
    public String name() {
        return name;
    }

    /** @return non-missing values in the window */
    public long binned() {
        return binned;
    }

    /** @return missing values in the window */
    public long missing() {
        return missing;
    }

    /** @return values outside the reference outlier fences */
    public long outliers() {
        return outliers;
    }

    /** @return population stability index; NaN when the window held too few values */
    public double psi() {
        return psi;
    }

    /** @return KL(production || reference); NaN when the window held too few values */
    public double klDivergence() {
        return klDivergence;
    }

    /** @return Jensen-Shannon divergence; NaN when the window held too few values */
    public double jensenShannon() {
        return jensenShannon;
    }

    /** @return missing values over all values in the window; NaN for an empty window */
    public double missingRate() {
        long total = binned + missing;
        return total == 0 ? Double.NaN : (double) missing / total;
    }

    /** @return outliers over non-missing values, as a percentage (0 to 100); NaN when there were none */
    public double outlierPercentage() {
        return binned == 0 ? Double.NaN : 100.0 * outliers / binned;
    }

    /** @return the number of bins */
    public int bins() {
        return productionShares.length;
    }

    /**
     * @param bin a bin index
     * @return the window's share of non-missing values in that bin (0 for an empty window)
     */
    public double productionShare(int bin) {
        return productionShares[bin];
    }

    /**
     * @param bin a bin index
     * @return the reference share of that bin
     */
    public double referenceShare(int bin) {
        return referenceShares[bin];
    }

    /** @return the window's shares per bin (a copy) */
    public double[] productionShares() {
        return productionShares.clone();
    }

    /** @return the reference shares per bin (a copy) */
    public double[] referenceShares() {
        return referenceShares.clone();
    }

    @Override
    public String toString() {
        return "FeatureDrift[" + name + ", psi=" + psi + ", kl=" + klDivergence + ", js=" + jensenShannon + ", binned="
                + binned + ", missing=" + missing + ", outliers=" + outliers + "]";
    }
}
