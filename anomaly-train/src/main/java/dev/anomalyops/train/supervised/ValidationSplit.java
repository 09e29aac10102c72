package dev.anomalyops.train.supervised;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * How a trainer carves validation rows out of its training rows for early stopping when none are given:
 * the last share of the rows ({@link #LAST}, right for time-ordered rows: validation is later than training)
 * or a stratified random share ({@link #STRATIFIED}, both classes in proportion).
 */
public enum ValidationSplit {
    /** The last {@code fraction} of the rows, in their order. */
    LAST,
    /** A random {@code fraction} of each class. */
    STRATIFIED;

    /**
     * @param data rows to split
     * @param fraction share for validation, in (0, 1)
     * @param seed seed of the stratified draw
     * @return two index arrays: training rows, then validation rows (each ascending)
     */
    public int[][] split(TrainingData data, double fraction, long seed) {
        int n = data.size();
        if (this == LAST) {
            int cut = n - (int) Math.round(n * fraction);
            int[] train = new int[cut];
            int[] validation = new int[n - cut];
            for (int i = 0; i < n; i++) {
                if (i < cut) {
                    train[i] = i;
                } else {
                    validation[i - cut] = i;
                }
            }
            return new int[][] {train, validation};
        }
        boolean[] inValidation = new boolean[n];
        SplittableRandom random = new SplittableRandom(seed);
        for (int label = 0; label <= 1; label++) {
            List<Integer> members = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                if (data.labels()[i] == label) {
                    members.add(i);
                }
            }
            int take = (int) Math.round(members.size() * fraction);
            for (int i = 0; i < take; i++) {
                int pick = i + random.nextInt(members.size() - i);
                int chosen = members.get(pick);
                members.set(pick, members.get(i));
                members.set(i, chosen);
                inValidation[chosen] = true;
            }
        }
        int validationSize = 0;
        for (boolean v : inValidation) {
            validationSize += v ? 1 : 0;
        }
        int[] train = new int[n - validationSize];
        int[] validation = new int[validationSize];
        int t = 0;
        int v = 0;
        for (int i = 0; i < n; i++) {
            if (inValidation[i]) {
                validation[v++] = i;
            } else {
                train[t++] = i;
            }
        }
        return new int[][] {train, validation};
    }
}
