package dev.anomalyops.train.supervised;

import dev.anomalyops.train.eval.Confusion;
import java.util.Objects;
import java.util.SplittableRandom;

/**
 * Champion versus challenger on the same hold-out rows, each at its own threshold: their confusions, McNemar's
 * test on the rows where exactly one of them is right (exact binomial for fewer than 25 such rows, continuity-
 * corrected chi-square otherwise), a paired bootstrap of the F1 difference (rows resampled together, so both
 * models see the same resample), and a recommendation: the challenger replaces the champion only when its F1 is
 * higher and the bootstrap interval of the difference lies above zero.
 *
 * @param champion the champion's name
 * @param challenger the challenger's name
 * @param championConfusion champion at its threshold
 * @param challengerConfusion challenger at its threshold
 * @param onlyChampionRight rows the champion classifies correctly and the challenger does not
 * @param onlyChallengerRight the reverse
 * @param mcnemarP two-sided p-value of McNemar's test
 * @param f1Difference challenger F1 minus champion F1
 * @param f1DifferenceLow 2.5 % bootstrap quantile of that difference
 * @param f1DifferenceHigh 97.5 % bootstrap quantile
 * @param recommendation {@code promote-challenger} or {@code keep-champion}
 */
public record Comparison(String champion, String challenger, Confusion championConfusion,
        Confusion challengerConfusion, long onlyChampionRight, long onlyChallengerRight, double mcnemarP,
        double f1Difference, double f1DifferenceLow, double f1DifferenceHigh, String recommendation) {

    /** Recommendation when the challenger is significantly better. */
    public static final String PROMOTE = "promote-challenger";
    /** Recommendation otherwise. */
    public static final String KEEP = "keep-champion";

    /**
     * @param champion name of the champion
     * @param championScores its scores on the hold-out
     * @param championThreshold its threshold
     * @param challenger name of the challenger
     * @param challengerScores its scores on the same rows
     * @param challengerThreshold its threshold
     * @param labels the rows' labels
     * @param resamples bootstrap resamples (e.g. 1000)
     * @param seed bootstrap seed
     * @return the comparison
     */
    public static Comparison of(String champion, double[] championScores, double championThreshold, String challenger,
            double[] challengerScores, double challengerThreshold, int[] labels, int resamples, long seed) {
        Objects.requireNonNull(labels, "labels");
        int n = labels.length;
        if (championScores.length != n || challengerScores.length != n) {
            throw new IllegalArgumentException("Champion, challenger and labels must cover the same " + n + " rows");
        }
        boolean[] a = Confusion.flag(championScores, championThreshold);
        boolean[] b = Confusion.flag(challengerScores, challengerThreshold);
        long onlyA = 0;
        long onlyB = 0;
        for (int i = 0; i < n; i++) {
            boolean aRight = a[i] == (labels[i] == 1);
            boolean bRight = b[i] == (labels[i] == 1);
            onlyA += aRight && !bRight ? 1 : 0;
            onlyB += bRight && !aRight ? 1 : 0;
        }
        Confusion ca = Confusion.of(a, labels);
        Confusion cb = Confusion.of(b, labels);
        double difference = cb.f1() - ca.f1();
        double[] diffs = new double[resamples];
        SplittableRandom random = new SplittableRandom(seed);
        for (int r = 0; r < resamples; r++) {
            long[] ka = new long[3];
            long[] kb = new long[3];
            for (int i = 0; i < n; i++) {
                int row = random.nextInt(n);
                count(ka, a[row], labels[row]);
                count(kb, b[row], labels[row]);
            }
            diffs[r] = f1(kb) - f1(ka);
        }
        java.util.Arrays.sort(diffs);
        double low = resamples == 0 ? Double.NaN : diffs[(int) Math.floor(0.025 * (resamples - 1))];
        double high = resamples == 0 ? Double.NaN : diffs[(int) Math.ceil(0.975 * (resamples - 1))];
        String recommendation = difference > 0 && low > 0 ? PROMOTE : KEEP;
        return new Comparison(champion, challenger, ca, cb, onlyA, onlyB, mcnemar(onlyA, onlyB), difference, low, high,
                recommendation);
    }

    private static void count(long[] k, boolean flagged, int label) {
        if (flagged && label == 1) {
            k[0]++;
        } else if (flagged) {
            k[1]++;
        } else if (label == 1) {
            k[2]++;
        }
    }

    private static double f1(long[] k) {
        long denominator = 2 * k[0] + k[1] + k[2];
        return denominator == 0 ? 0 : 2.0 * k[0] / denominator;
    }

    /**
     * @param b discordant rows one way
     * @param c discordant rows the other way
     * @return the two-sided p-value of McNemar's test
     */
    static double mcnemar(long b, long c) {
        long n = b + c;
        if (n == 0) {
            return 1.0;
        }
        if (n < 25) {
            // Exact: two-sided binomial test of min(b, c) under p = 0.5.
            long k = Math.min(b, c);
            double tail = 0;
            for (long i = 0; i <= k; i++) {
                tail += Math.exp(logChoose(n, i) - n * Math.log(2));
            }
            return Math.min(1.0, 2 * tail);
        }
        double statistic = Math.pow(Math.abs(b - c) - 1.0, 2) / n;
        // Chi-square with one degree of freedom: P(X > s) = erfc(sqrt(s / 2)).
        return erfc(Math.sqrt(statistic / 2));
    }

    private static double logChoose(long n, long k) {
        double s = 0;
        for (long i = 1; i <= k; i++) {
            s += Math.log(n - k + i) - Math.log(i);
        }
        return s;
    }

    /** Complementary error function (Numerical Recipes' Chebyshev fit, relative error below 1.2e-7). */
    static double erfc(double x) {
        double z = Math.abs(x);
        double t = 1 / (1 + 0.5 * z);
        double r = t * Math.exp(-z * z - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418
                + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587
                + t * (-0.82215223 + t * 0.17087277)))))))));
        return x >= 0 ? r : 2 - r;
    }
}
