package dev.anomalyops.train.supervised;

import dev.anomalyops.train.eval.Confusion;
import java.util.ArrayList;
import java.util.List;

/**
 * What a reviewer needs to judge a trained model: the confusion matrix on hold-out rows, the gap between the
 * training and validation loss at the kept round (a large gap means the trees memorised the training rows), the
 * top-k features by gain (with cover), and calibration (predicted probability versus observed anomaly rate in
 * equal-width bins, plus the Brier score).
 *
 * @param confusion the confusion at the model's threshold on the hold-out rows
 * @param lossMetric name of the loss in {@code trainLoss}/{@code validationLoss}
 * @param trainLoss training loss at the kept round
 * @param validationLoss validation loss at the kept round (NaN without validation rows)
 * @param topFeatures the k most important features by total gain
 * @param calibration calibration bins with at least one row
 * @param brier mean squared difference between probability and label on the hold-out rows
 */
public record Diagnostics(Confusion confusion, String lossMetric, double trainLoss, double validationLoss,
        List<FeatureImportance> topFeatures, List<CalibrationBin> calibration, double brier) {

    /** Copies the lists. */
    public Diagnostics {
        topFeatures = List.copyOf(topFeatures);
        calibration = List.copyOf(calibration);
    }

    /**
     * One calibration bin.
     *
     * @param lower lower bound of the predicted probability (inclusive)
     * @param upper upper bound (exclusive, except for the last bin)
     * @param rows rows whose probability falls in the bin
     * @param meanPredicted their mean predicted probability
     * @param observedRate the share of them labelled anomalous
     */
    public record CalibrationBin(double lower, double upper, int rows, double meanPredicted, double observedRate) {}

    /** @return validation loss minus training loss (NaN without validation rows); the overfitting check */
    public double lossGap() {
        return validationLoss - trainLoss;
    }

    /**
     * @param model the model (its curve and importance are read)
     * @param probabilities its probabilities on hold-out rows
     * @param labels their labels
     * @param threshold the decision threshold
     * @param topK how many features to list
     * @param bins calibration bins over [0, 1]
     * @return the diagnostics
     */
    public static Diagnostics of(TrainedModel model, double[] probabilities, int[] labels, double threshold, int topK,
            int bins) {
        List<FeatureImportance> importance = model.importance();
        TrainingCurve curve = model.curve();
        return new Diagnostics(Confusion.at(probabilities, threshold, labels), curve.metric(), curve.trainAtBest(),
                curve.validationAtBest(), importance.subList(0, Math.min(topK, importance.size())),
                calibration(probabilities, labels, bins), brier(probabilities, labels));
    }

    /**
     * @param probabilities predicted probabilities in [0, 1]
     * @param labels labels
     * @param bins number of equal-width bins
     * @return the non-empty bins
     */
    public static List<CalibrationBin> calibration(double[] probabilities, int[] labels, int bins) {
        int[] count = new int[bins];
        double[] predicted = new double[bins];
        int[] positive = new int[bins];
        for (int i = 0; i < probabilities.length; i++) {
            double p = Math.min(1, Math.max(0, probabilities[i]));
            int b = Math.min(bins - 1, (int) (p * bins));
            count[b]++;
            predicted[b] += p;
            positive[b] += labels[i];
        }
        List<CalibrationBin> out = new ArrayList<>();
        for (int b = 0; b < bins; b++) {
            if (count[b] > 0) {
                out.add(new CalibrationBin((double) b / bins, (double) (b + 1) / bins, count[b], predicted[b] / count[b],
                        (double) positive[b] / count[b]));
            }
        }
        return out;
    }

    static double brier(double[] probabilities, int[] labels) {
        double sum = 0;
        for (int i = 0; i < probabilities.length; i++) {
            double d = probabilities[i] - labels[i];
            sum += d * d;
        }
        return probabilities.length == 0 ? Double.NaN : sum / probabilities.length;
    }
}
