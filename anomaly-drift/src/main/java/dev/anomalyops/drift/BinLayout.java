package dev.anomalyops.drift;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * How raw values become counts, fast enough for every scored row. Each column's quantile edges and outlier fences
 * merge into one sorted list of "fine" thresholds; a value's fine bin is the number of thresholds at or below it,
 * found by a branch-free binary search over a power-of-two padded table. A fine bin lies wholly inside one quantile
 * bin and wholly inside or outside the fences, so one counter per fine bin gives quantile bin counts and outlier
 * counts exactly. NaN lands in its own slot.
 *
 * <p>Feature values are floats and edges doubles: for a float {@code x}, {@code x >= e} exactly when
 * {@code x >= ceil_float(e)}, so the feature tables hold floats rounded up and the search compares floats.
 *
 * <p>Count vector layout ({@link #width()} longs): per feature {@code pad + 1} slots (fine bins, then NaN), then the
 * prediction's {@code predictionPad + 1} slots, then anomalies, then rows.
 */
final class BinLayout {
    private static final int FAST_PAD = 16;
    private final int features;
    private final int pad;
    private final int stride;
    private final float[] thresholds;
    private final int[] fineBin;
    private final boolean[] fineOutlier;
    private final int[] bins;
    private final boolean hasPrediction;
    private final int predictionPad;
    private final double[] predictionThresholds;
    private final int[] predictionFineBin;
    private final boolean[] predictionFineOutlier;
    private final int predictionBins;
    private final int predictionBase;
    private final int anomalySlot;
    private final int rowSlot;
    private final int width;
    private final double anomalyThreshold;

    /**
     * @param features the feature profiles, in row order
     * @param prediction the prediction's profile, or null when predictions are not profiled
     * @param anomalyThreshold predictions at or above it count as anomalies
     */
    public BinLayout(List<FeatureProfile> features, @Nullable FeatureProfile prediction, double anomalyThreshold) {
        this.features = features.size();
        this.anomalyThreshold = anomalyThreshold;
        List<double[]> merged = new ArrayList<>();
        List<int[]> mergedBins = new ArrayList<>();
        List<boolean[]> mergedOutliers = new ArrayList<>();
        int widest = 0;
        for (FeatureProfile feature : features) {
            Fine fine = Fine.of(feature, true);
            merged.add(fine.thresholds);
            mergedBins.add(fine.bins);
            mergedOutliers.add(fine.outlier);
            widest = Math.max(widest, fine.thresholds.length);
        }
        // At least 16 slots: the common case (deciles plus two fences, 11 thresholds) then takes the unrolled
        // four-step search below.
        this.pad = Math.max(FAST_PAD, powerOfTwoAtLeast(widest + 1));
        this.stride = pad + 1;
        this.thresholds = new float[this.features * pad];
        this.fineBin = new int[this.features * stride];
        this.fineOutlier = new boolean[this.features * stride];
        this.bins = new int[this.features];
        for (int f = 0; f < this.features; f++) {
            double[] t = merged.get(f);
            Arrays.fill(thresholds, f * pad, (f + 1) * pad, Float.POSITIVE_INFINITY);
            for (int j = 0; j < t.length; j++) {
                thresholds[f * pad + j] = (float) t[j];
            }
            int[] mapped = mergedBins.get(f);
            boolean[] outliers = mergedOutliers.get(f);
            for (int j = 0; j < pad; j++) {
                int real = Math.min(j, t.length);
                fineBin[f * stride + j] = mapped[real];
                fineOutlier[f * stride + j] = outliers[real];
            }
            fineBin[f * stride + pad] = -1;
            bins[f] = features.get(f).bins();
        }
        this.hasPrediction = prediction != null;
        if (prediction != null) {
            Fine fine = Fine.of(prediction, false);
            this.predictionPad = Math.max(FAST_PAD, powerOfTwoAtLeast(fine.thresholds.length + 1));
            this.predictionThresholds = new double[predictionPad];
            Arrays.fill(predictionThresholds, Double.POSITIVE_INFINITY);
            System.arraycopy(fine.thresholds, 0, predictionThresholds, 0, fine.thresholds.length);
            this.predictionFineBin = new int[predictionPad + 1];
            this.predictionFineOutlier = new boolean[predictionPad + 1];
            for (int j = 0; j < predictionPad; j++) {
                int real = Math.min(j, fine.thresholds.length);
                predictionFineBin[j] = fine.bins[real];
                predictionFineOutlier[j] = fine.outlier[real];
            }
            predictionFineBin[predictionPad] = -1;
            this.predictionBins = prediction.bins();
        } else {
            this.predictionPad = 1;
            this.predictionThresholds = new double[] {Double.POSITIVE_INFINITY};
            this.predictionFineBin = new int[] {0, -1};
            this.predictionFineOutlier = new boolean[2];
            this.predictionBins = 1;
        }
        this.predictionBase = this.features * stride;
        this.anomalySlot = predictionBase + predictionPad + 1;
        this.rowSlot = anomalySlot + 1;
        this.width = rowSlot + 1;
    }

    /** @return longs in a count vector */
    public int width() {
        return width;
    }

    /** @return the number of feature columns */
    public int features() {
        return features;
    }

    /** @return whether predictions are profiled */
    public boolean hasPrediction() {
        return hasPrediction;
    }

    /**
     * Counts {@code rows} row-major rows of {@code columns} floats starting at {@code offset}.
     *
     * @param values row-major values
     * @param offset where the first row starts
     * @param rows rows to count
     * @param counts the count vector to add to
     */
    public void addRows(float[] values, int offset, int rows, long[] counts) {
        int end = offset + rows * features;
        if (end > values.length || offset < 0 || rows < 0) {
            throw new IndexOutOfBoundsException("rows " + rows + " x " + features + " from " + offset
                    + " exceed an array of " + values.length);
        }
        if (pad == FAST_PAD) {
            addRows16(values, offset, end, counts);
        } else {
            addRowsAnyPad(values, offset, end, counts);
        }
        counts[rowSlot] += rows;
    }

    // The hot loop: per value one load, four dependent compare-and-select steps, a NaN select and one increment.
    // Written out for 16 slots so that the JIT emits conditional moves without a loop.
    private void addRows16(float[] values, int from, int end, long[] counts) {
        final int columns = features;
        final float[] t = thresholds;
        for (int base = from; base < end; base += columns) {
            for (int f = 0, tb = 0, cb = 0; f < columns; f++, tb += 16, cb += 17) {
                float x = values[base + f];
                int i = x >= t[tb + 7] ? 8 : 0;
                i = x >= t[tb + i + 3] ? i + 4 : i;
                i = x >= t[tb + i + 1] ? i + 2 : i;
                i = x >= t[tb + i] ? i + 1 : i;
                i = x != x ? 16 : i;
                counts[cb + i]++;
            }
        }
    }

    private void addRowsAnyPad(float[] values, int from, int end, long[] counts) {
        final int columns = features;
        final int p = pad;
        final int s = stride;
        final float[] t = thresholds;
        for (int base = from; base < end; base += columns) {
            for (int f = 0, tb = 0, cb = 0; f < columns; f++, tb += p, cb += s) {
                float x = values[base + f];
                int i = 0;
                for (int step = p >>> 1; step > 0; step >>>= 1) {
                    i = x >= t[tb + i + step - 1] ? i + step : i;
                }
                i = x != x ? p : i;
                counts[cb + i]++;
            }
        }
    }

    /**
     * Counts predicted probabilities: their bins, and how many reach the anomaly threshold.
     *
     * @param probabilities predictions
     * @param from first index
     * @param to one past the last index
     * @param counts the count vector to add to
     */
    public void addPredictions(double[] probabilities, int from, int to, long[] counts) {
        final int p = predictionPad;
        final double[] t = predictionThresholds;
        final double threshold = anomalyThreshold;
        final int cb = predictionBase;
        long anomalies = 0;
        for (int r = from; r < to; r++) {
            double x = probabilities[r];
            int i = predictionSlot(t, p, x);
            counts[cb + i]++;
            anomalies += x >= threshold ? 1 : 0;
        }
        counts[anomalySlot] += anomalies;
    }

    /**
     * Counts one prediction.
     *
     * @param probability the prediction, NaN when unknown
     * @param counts the count vector to add to
     */
    public void addPrediction(double probability, long[] counts) {
        counts[predictionBase + predictionSlot(predictionThresholds, predictionPad, probability)]++;
        counts[anomalySlot] += probability >= anomalyThreshold ? 1 : 0;
    }

    private static int predictionSlot(double[] t, int p, double x) {
        int i;
        if (p == FAST_PAD) {
            i = x >= t[7] ? 8 : 0;
            i = x >= t[i + 3] ? i + 4 : i;
            i = x >= t[i + 1] ? i + 2 : i;
            i = x >= t[i] ? i + 1 : i;
        } else {
            i = 0;
            for (int step = p >>> 1; step > 0; step >>>= 1) {
                i = x >= t[i + step - 1] ? i + step : i;
            }
        }
        return x != x ? p : i;
    }

    /**
     * Counts rows whose predictions are unknown.
     *
     * @param rows how many
     * @param counts the count vector to add to
     */
    public void addMissingPredictions(int rows, long[] counts) {
        counts[predictionBase + predictionPad] += rows;
    }

    /**
     * @param counts a count vector
     * @return rows counted
     */
    public long rows(long[] counts) {
        return counts[rowSlot];
    }

    /**
     * @param counts a count vector
     * @return predictions counted that were not NaN
     */
    public long predictions(long[] counts) {
        long sum = 0;
        for (int j = 0; j < predictionPad; j++) {
            sum += counts[predictionBase + j];
        }
        return sum;
    }

    /**
     * @param counts a count vector
     * @return predictions at or above the anomaly threshold
     */
    public long anomalies(long[] counts) {
        return counts[anomalySlot];
    }

    /**
     * Folds a feature's fine counts into its quantile bins.
     *
     * @param counts a count vector
     * @param feature the feature index
     * @param binsOut receives the count per quantile bin (length = the feature's bins)
     * @return {@code {missing, outliers}}
     */
    public long[] fold(long[] counts, int feature, long[] binsOut) {
        Arrays.fill(binsOut, 0);
        int cb = feature * stride;
        long outliers = 0;
        for (int j = 0; j < pad; j++) {
            long c = counts[cb + j];
            binsOut[fineBin[cb + j]] += c;
            if (fineOutlier[cb + j]) {
                outliers += c;
            }
        }
        return new long[] {counts[cb + pad], outliers};
    }

    /**
     * Folds the prediction's fine counts into its quantile bins.
     *
     * @param counts a count vector
     * @param binsOut receives the count per quantile bin
     * @return {@code {missing, outliers}}
     */
    public long[] foldPrediction(long[] counts, long[] binsOut) {
        Arrays.fill(binsOut, 0);
        long outliers = 0;
        for (int j = 0; j < predictionPad; j++) {
            long c = counts[predictionBase + j];
            binsOut[predictionFineBin[j]] += c;
            if (predictionFineOutlier[j]) {
                outliers += c;
            }
        }
        return new long[] {counts[predictionBase + predictionPad], outliers};
    }

    /**
     * @param feature a feature index
     * @return its number of quantile bins
     */
    public int bins(int feature) {
        return bins[feature];
    }

    /** @return the prediction's number of quantile bins (1 when not profiled) */
    public int predictionBins() {
        return predictionBins;
    }

    /** One column's merged thresholds and what each fine bin means. */
    private static final class Fine {
        final double[] thresholds;
        final int[] bins;
        final boolean[] outlier;

        private Fine(double[] thresholds, int[] bins, boolean[] outlier) {
            this.thresholds = thresholds;
            this.bins = bins;
            this.outlier = outlier;
        }

        static Fine of(FeatureProfile profile, boolean floats) {
            double[] edges = profile.edges();
            List<double[]> tagged = new ArrayList<>(); // {threshold, kind}: 0 edge, 1 lower fence, 2 upper fence
            for (double edge : edges) {
                tagged.add(new double[] {floats ? ceilFloat(edge) : edge, 0});
            }
            boolean hasLow = !Double.isNaN(profile.outlierLow());
            boolean hasHigh = !Double.isNaN(profile.outlierHigh());
            if (hasLow) {
                // x < low  <=>  !(x >= low)
                tagged.add(new double[] {floats ? ceilFloat(profile.outlierLow()) : profile.outlierLow(), 1});
            }
            if (hasHigh) {
                // x > high  <=>  x >= the next representable value above high
                tagged.add(new double[] {floats ? floatAbove(profile.outlierHigh()) : Math.nextUp(profile.outlierHigh()), 2});
            }
            tagged.sort((a, b) -> Double.compare(a[0], b[0]));
            double[] thresholds = new double[tagged.size()];
            int[] bins = new int[tagged.size() + 1];
            boolean[] outlier = new boolean[tagged.size() + 1];
            int edgesPassed = 0;
            boolean lowPassed = !hasLow;
            boolean highPassed = false;
            for (int j = 0; j <= tagged.size(); j++) {
                bins[j] = edgesPassed;
                outlier[j] = !lowPassed || highPassed;
                if (j < tagged.size()) {
                    double[] t = tagged.get(j);
                    thresholds[j] = t[0];
                    switch ((int) t[1]) {
                        case 0 -> edgesPassed++;
                        case 1 -> lowPassed = true;
                        default -> highPassed = true;
                    }
                }
            }
            return new Fine(thresholds, bins, outlier);
        }
    }

    // The search needs at least one +infinity pad, so that every finite value's count is exact.
    private static int powerOfTwoAtLeast(int n) {
        return Integer.bitCount(n) == 1 ? n : Integer.highestOneBit(n) << 1;
    }

    /**
     * @param value a double
     * @return the smallest float at or above it
     */
    static double ceilFloat(double value) {
        float f = (float) value;
        if (f < value) {
            f = Math.nextUp(f);
        }
        return f;
    }

    /**
     * @param value a finite double
     * @return the smallest float strictly above it
     */
    static double floatAbove(double value) {
        float f = (float) value;
        if (f > value) {
            f = Math.nextDown(f);
        }
        return Math.nextUp(f);
    }
}
