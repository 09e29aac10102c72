package dev.anomalyops.train.label;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntFunction;

/** The result of {@link PseudoLabeler#label}: one label and one confidence per scored row. Immutable. */
public final class PseudoLabels {
    private final double threshold;
    private final int[] labels;
    private final double[] confidence;
    private final int flagged;

    PseudoLabels(double threshold, int[] labels, double[] confidence) {
        this.threshold = threshold;
        this.labels = labels;
        this.confidence = confidence;
        int count = 0;
        for (int label : labels) {
            count += label;
        }
        this.flagged = count;
    }

    /** @return the threshold used (derived from the contamination when one was given) */
    public double threshold() {
        return threshold;
    }

    /** @return number of rows */
    public int size() {
        return labels.length;
    }

    /** @return rows labelled anomalies */
    public int flagged() {
        return flagged;
    }

    /**
     * @param row a row index
     * @return 1 for anomaly, 0 for normal
     */
    public int label(int row) {
        return labels[row];
    }

    /**
     * @param row a row index
     * @return its confidence in (0.5, 1]
     */
    public double confidence(int row) {
        return confidence[row];
    }

    /** @return the labels (a copy) */
    public int[] labels() {
        return labels.clone();
    }

    /**
     * @param ids the id of each row
     * @param author who labelled: the detector and model, e.g. {@code isolation-forest@3f2a9c}
     * @param at when
     * @return one {@link LabelSource#PSEUDO} label per row, ready for a {@link LabelStore}
     */
    public List<Label> toLabels(IntFunction<String> ids, String author, Instant at) {
        List<Label> result = new ArrayList<>(labels.length);
        for (int i = 0; i < labels.length; i++) {
            result.add(new Label(ids.apply(i), labels[i], LabelSource.PSEUDO, author, at, confidence[i], ""));
        }
        return result;
    }
}
