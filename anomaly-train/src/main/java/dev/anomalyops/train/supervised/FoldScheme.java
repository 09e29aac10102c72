package dev.anomalyops.train.supervised;

import dev.anomalyops.core.Feature;
import dev.anomalyops.core.FeatureSchema;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.regex.Pattern;

/**
 * How {@link CrossValidation} cuts rows into folds. Rows are taken to be in time order.
 *
 * <ul>
 *   <li>{@link #STRATIFIED}: k random folds, each class spread evenly; every row is validated once. Right only
 *       when rows are independent.
 *   <li>{@link #FORWARD_CHAINING}: the rows are cut into k+1 consecutive blocks; fold i trains on blocks 0..i and
 *       validates on block i+1, so a model never sees the future of its validation rows.
 *   <li>{@link #BLOCKED}: k consecutive blocks; fold i validates on block i and trains on the other blocks minus a
 *       gap of {@code gap} rows on each side of it, so lag and window features do not straddle the cut.
 * </ul>
 *
 * {@link #defaultFor(FeatureSchema)} picks {@link #FORWARD_CHAINING} whenever the schema has lag, difference or
 * rolling-window features (as {@code anomaly-features} names them: {@code m_lag_3}, {@code m_diff_1},
 * {@code m_pct_1}, {@code m_mean_5m}, ...), because random folds leak the future there.
 */
public enum FoldScheme {
    /** Random folds, stratified by class. */
    STRATIFIED,
    /** Expanding window: train on the past, validate on the next block. */
    FORWARD_CHAINING,
    /** Consecutive blocks with a gap between training and validation rows. */
    BLOCKED;

    private static final Pattern TEMPORAL = Pattern.compile(
            ".*_(lag|diff|pct)_\\d+$|.*_(mean|std|min|max|sum|count|median|var|range|zscore|ewm|ewma|slope|p\\d+)_\\d+\\w*$");

    /**
     * @param schema the features
     * @return {@link #FORWARD_CHAINING} when a feature looks temporal (lag, diff, pct change, rolling window),
     *     otherwise {@link #STRATIFIED}
     */
    public static FoldScheme defaultFor(FeatureSchema schema) {
        return hasTemporalFeatures(schema) ? FORWARD_CHAINING : STRATIFIED;
    }

    /**
     * @param schema the features
     * @return whether any feature name follows the lag / rolling-window naming of {@code anomaly-features}
     */
    public static boolean hasTemporalFeatures(FeatureSchema schema) {
        for (Feature feature : schema.features()) {
            if (TEMPORAL.matcher(feature.name()).matches()) {
                return true;
            }
        }
        return false;
    }

    /**
     * @param data the rows (time order)
     * @param folds number of folds, at least 2
     * @param gap rows left out on each side of a validation block ({@link #BLOCKED} only)
     * @param seed seed of {@link #STRATIFIED}
     * @return per fold, two ascending index arrays: training rows then validation rows
     */
    public List<int[][]> folds(TrainingData data, int folds, int gap, long seed) {
        int n = data.size();
        if (folds < 2) {
            throw new IllegalArgumentException("folds must be at least 2 but was " + folds);
        }
        List<int[][]> result = new ArrayList<>();
        switch (this) {
            case STRATIFIED -> {
                int[] foldOf = new int[n];
                SplittableRandom random = new SplittableRandom(seed);
                for (int label = 0; label <= 1; label++) {
                    List<Integer> members = new ArrayList<>();
                    for (int i = 0; i < n; i++) {
                        if (data.labels()[i] == label) {
                            members.add(i);
                        }
                    }
                    for (int i = members.size() - 1; i > 0; i--) {
                        int j = random.nextInt(i + 1);
                        Integer t = members.get(i);
                        members.set(i, members.get(j));
                        members.set(j, t);
                    }
                    for (int i = 0; i < members.size(); i++) {
                        foldOf[members.get(i)] = i % folds;
                    }
                }
                for (int f = 0; f < folds; f++) {
                    List<Integer> train = new ArrayList<>();
                    List<Integer> validation = new ArrayList<>();
                    for (int i = 0; i < n; i++) {
                        (foldOf[i] == f ? validation : train).add(i);
                    }
                    result.add(new int[][] {toArray(train), toArray(validation)});
                }
            }
            case FORWARD_CHAINING -> {
                int blocks = folds + 1;
                for (int f = 0; f < folds; f++) {
                    int trainEnd = (int) ((long) n * (f + 1) / blocks);
                    int validationEnd = (int) ((long) n * (f + 2) / blocks);
                    result.add(new int[][] {range(0, trainEnd), range(trainEnd, validationEnd)});
                }
            }
            case BLOCKED -> {
                for (int f = 0; f < folds; f++) {
                    int start = (int) ((long) n * f / folds);
                    int end = (int) ((long) n * (f + 1) / folds);
                    List<Integer> train = new ArrayList<>();
                    for (int i = 0; i < n; i++) {
                        if (i < start - gap || i >= end + gap) {
                            train.add(i);
                        }
                    }
                    result.add(new int[][] {toArray(train), range(start, end)});
                }
            }
            default -> throw new IllegalStateException(name());
        }
        return result;
    }

    private static int[] range(int from, int to) {
        int[] out = new int[Math.max(0, to - from)];
        for (int i = 0; i < out.length; i++) {
            out[i] = from + i;
        }
        return out;
    }

    private static int[] toArray(List<Integer> values) {
        return values.stream().mapToInt(Integer::intValue).toArray();
    }
}
