package dev.anomalyops.train.supervised;

import java.util.Objects;

/**
 * The evaluation metric after each boosting round, on the training rows and on the validation rows (empty
 * when the trainer had none), and the round kept. A final class rather than a record because it holds arrays;
 * accessors return copies.
 */
public final class TrainingCurve {
    private final String metric;
    private final double[] train;
    private final double[] validation;
    private final int bestRound;
    private final boolean stoppedEarly;

    /**
     * @param metric the metric's name, e.g. {@code logloss}
     * @param train its value on the training rows after rounds 0, 1, …
     * @param validation its value on the validation rows, same length as {@code train}, or empty
     * @param bestRound the last round kept in the model (0-based)
     * @param stoppedEarly whether early stopping ended training before the configured rounds
     */
    public TrainingCurve(String metric, double[] train, double[] validation, int bestRound, boolean stoppedEarly) {
        this.metric = Objects.requireNonNull(metric, "metric");
        if (validation.length != 0 && validation.length != train.length) {
            throw new IllegalArgumentException("The curve has " + train.length + " training values but "
                    + validation.length + " validation values");
        }
        if (train.length > 0 && (bestRound < 0 || bestRound >= train.length)) {
            throw new IllegalArgumentException("bestRound " + bestRound + " is outside [0, " + train.length + ")");
        }
        this.train = train.clone();
        this.validation = validation.clone();
        this.bestRound = bestRound;
        this.stoppedEarly = stoppedEarly;
    }

    /** @return the metric's name */
    public String metric() {
        return metric;
    }

    /** @return the metric on the training rows per round (a copy) */
    public double[] train() {
        return train.clone();
    }

    /** @return the metric on the validation rows per round (a copy; empty without validation rows) */
    public double[] validation() {
        return validation.clone();
    }

    /** @return whether there were validation rows */
    public boolean hasValidation() {
        return validation.length > 0;
    }

    /** @return the last round kept (0-based) */
    public int bestRound() {
        return bestRound;
    }

    /** @return whether training stopped before the configured number of rounds */
    public boolean stoppedEarly() {
        return stoppedEarly;
    }

    /** @return rounds trained (including those after the best one when it stopped early) */
    public int roundsTrained() {
        return train.length;
    }

    /** @return the training metric at the kept round (NaN without rounds) */
    public double trainAtBest() {
        return train.length == 0 ? Double.NaN : train[bestRound];
    }

    /** @return the validation metric at the kept round (NaN without validation rows) */
    public double validationAtBest() {
        return validation.length == 0 ? Double.NaN : validation[bestRound];
    }
}
