package dev.anomalyops.rollout;

import dev.anomalyops.core.ConfigurationException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Decides which of two variants is more accurate from labelled feedback, and says so only when the data
 * supports it.
 *
 * <p>Two p-values are kept. The fixed-horizon one is the classic pooled two-proportion z-test: valid only if
 * you look once, at a sample size fixed in advance. The always-valid one comes from a mixture sequential
 * probability ratio test (mSPRT with a normal mixture over the difference in accuracy, Johari, Pekelis and
 * Walsh, "Always Valid Inference", 2017): it is updated with every observation as the running minimum of
 * {@code 1 / Λ}, so people may look at it as often as they like and stop when it drops below alpha with the
 * false-positive rate still bounded by alpha. The verdict uses the always-valid p-value. Thread-safe.
 *
 * <pre>{@code
 * AbTest test = new AbTest("champion", "challenger", AbTest.Policy.defaults());
 * test.record("challenger", prediction == label);      // for every labelled prediction
 * AbTest.Result result = test.result();                // NOT_ENOUGH_DATA until both arms have enough
 * }</pre>
 */
public final class AbTest {
    private final String variantA;
    private final String variantB;
    private final Policy policy;
    private long correctA;
    private long totalA;
    private long correctB;
    private long totalB;
    private double alwaysValidP = 1.0;

    /**
     * @param variantA the baseline variant
     * @param variantB the variant compared against it
     * @param policy significance level, minimum sample size and mixture width
     */
    public AbTest(String variantA, String variantB, Policy policy) {
        this.variantA = Objects.requireNonNull(variantA, "variantA");
        this.variantB = Objects.requireNonNull(variantB, "variantB");
        this.policy = Objects.requireNonNull(policy, "policy");
        if (variantA.equals(variantB)) {
            throw new IllegalArgumentException("An A/B test needs two different variants, got \"" + variantA + "\" twice");
        }
    }

    /**
     * How the test decides.
     *
     * @param alpha significance level (false-positive bound), e.g. 0.05
     * @param minSamplesPerVariant labelled predictions each variant needs before any verdict
     * @param mixtureVariance variance τ² of the normal mixture over the accuracy difference: the effect size
     *     the sequential test is most sensitive to is about its square root (0.0025 favours differences near 5 points)
     */
    public record Policy(double alpha, long minSamplesPerVariant, double mixtureVariance) {
        /** Validates every field, reporting all problems at once. */
        public Policy {
            List<String> problems = new ArrayList<>();
            if (!(alpha > 0 && alpha < 1)) {
                problems.add("alpha was " + alpha + " but it must be in (0, 1)");
            }
            if (minSamplesPerVariant < 1) {
                problems.add("minSamplesPerVariant was " + minSamplesPerVariant + " but it must be at least 1");
            }
            if (!(mixtureVariance > 0)) {
                problems.add("mixtureVariance was " + mixtureVariance + " but it must be > 0");
            }
            if (!problems.isEmpty()) {
                throw new ConfigurationException(problems);
            }
        }

        /** @return alpha 0.05, 100 samples per variant, mixture variance 0.0025 */
        public static Policy defaults() {
            return new Policy(0.05, 100, 0.0025);
        }
    }

    /** What the data says. */
    public enum Verdict {
        /** A variant has fewer labelled predictions than the policy's minimum. */
        NOT_ENOUGH_DATA,
        /** Enough data, but no significant difference (yet). */
        NO_SIGNIFICANT_DIFFERENCE,
        /** Variant A is significantly more accurate. */
        A_BETTER,
        /** Variant B is significantly more accurate. */
        B_BETTER
    }

    /**
     * The state of the test.
     *
     * @param verdict the decision
     * @param winner the better variant's name, or null when there is none
     * @param samplesA labelled predictions of A
     * @param accuracyA accuracy of A (NaN without samples)
     * @param samplesB labelled predictions of B
     * @param accuracyB accuracy of B (NaN without samples)
     * @param fixedHorizonPValue two-sided pooled two-proportion z-test p-value (valid for a single look)
     * @param alwaysValidPValue sequential p-value, valid at any time
     * @param explanation one sentence for humans
     */
    public record Result(Verdict verdict, String winner, long samplesA, double accuracyA, long samplesB,
            double accuracyB, double fixedHorizonPValue, double alwaysValidPValue, String explanation) {}

    /**
     * @param variant which variant answered
     * @param correct whether its prediction matched the label
     * @throws IllegalArgumentException for a variant not in this test
     */
    public synchronized void record(String variant, boolean correct) {
        if (variant.equals(variantA)) {
            totalA++;
            correctA += correct ? 1 : 0;
        } else if (variant.equals(variantB)) {
            totalB++;
            correctB += correct ? 1 : 0;
        } else {
            throw new IllegalArgumentException("Variant \"" + variant + "\" is not part of the A/B test of \"" + variantA
                    + "\" and \"" + variantB + "\"");
        }
        alwaysValidP = Math.min(alwaysValidP, 1.0 / likelihoodRatio());
    }

    /** @return the current verdict and statistics */
    public synchronized Result result() {
        double accuracyA = totalA == 0 ? Double.NaN : (double) correctA / totalA;
        double accuracyB = totalB == 0 ? Double.NaN : (double) correctB / totalB;
        double fixed = fixedHorizonP();
        if (totalA < policy.minSamplesPerVariant() || totalB < policy.minSamplesPerVariant()) {
            return new Result(Verdict.NOT_ENOUGH_DATA, null, totalA, accuracyA, totalB, accuracyB, fixed, alwaysValidP,
                    "Not enough data yet: each variant needs " + policy.minSamplesPerVariant()
                            + " labelled predictions; \"" + variantA + "\" has " + totalA + ", \"" + variantB + "\" has "
                            + totalB);
        }
        if (alwaysValidP >= policy.alpha()) {
            return new Result(Verdict.NO_SIGNIFICANT_DIFFERENCE, null, totalA, accuracyA, totalB, accuracyB, fixed,
                    alwaysValidP, String.format(java.util.Locale.ROOT,
                            "No significant difference yet: accuracy %.4f vs %.4f, always-valid p = %.4f >= %.3f",
                            accuracyA, accuracyB, alwaysValidP, policy.alpha()));
        }
        boolean bBetter = accuracyB > accuracyA;
        return new Result(bBetter ? Verdict.B_BETTER : Verdict.A_BETTER, bBetter ? variantB : variantA, totalA,
                accuracyA, totalB, accuracyB, fixed, alwaysValidP, String.format(java.util.Locale.ROOT,
                        "\"%s\" is more accurate: %.4f vs %.4f, always-valid p = %.4g < %.3f",
                        bBetter ? variantB : variantA, bBetter ? accuracyB : accuracyA, bBetter ? accuracyA : accuracyB,
                        alwaysValidP, policy.alpha()));
    }

    private double fixedHorizonP() {
        if (totalA == 0 || totalB == 0) {
            return 1.0;
        }
        double pooled = (double) (correctA + correctB) / (totalA + totalB);
        double se = Math.sqrt(pooled * (1 - pooled) * (1.0 / totalA + 1.0 / totalB));
        if (se == 0) {
            return 1.0;
        }
        double z = ((double) correctB / totalB - (double) correctA / totalA) / se;
        return Math.min(1.0, 2 * Statistics.normalSurvival(Math.abs(z)));
    }

    /** The mixture likelihood ratio Λ of H1 (a difference) against H0 (none), with plug-in variances. */
    private double likelihoodRatio() {
        if (totalA < 2 || totalB < 2) {
            return 1.0;
        }
        double pa = (double) correctA / totalA;
        double pb = (double) correctB / totalB;
        // Keep the plug-in variance away from 0 when an arm is all right or all wrong so far.
        double va = Math.max(pa * (1 - pa), 0.25 / totalA) / totalA;
        double vb = Math.max(pb * (1 - pb), 0.25 / totalB) / totalB;
        double v = va + vb;
        double tau2 = policy.mixtureVariance();
        double theta = pb - pa;
        return Math.sqrt(v / (v + tau2)) * Math.exp(tau2 * theta * theta / (2 * v * (v + tau2)));
    }
}
