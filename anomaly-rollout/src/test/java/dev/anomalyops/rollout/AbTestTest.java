package dev.anomalyops.rollout;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AbTestTest {
    @TempDir
    Path temp;

    @Test
    void saysNotEnoughDataUntilBothVariantsHaveTheMinimum() {
        AbTest test = new AbTest("champion", "challenger", AbTest.Policy.defaults());
        for (int i = 0; i < 99; i++) {
            test.record("champion", true);
            test.record("challenger", false);
        }
        AbTest.Result result = test.result();
        assertThat(result.verdict()).isEqualTo(AbTest.Verdict.NOT_ENOUGH_DATA);
        assertThat(result.winner()).isNull();
        assertThat(result.explanation()).contains("needs 100 labelled predictions").contains("has 99");
    }

    @Test
    void findsTheBetterVariantWhenTheDifferenceIsReal() {
        AbTest test = new AbTest("champion", "challenger", AbTest.Policy.defaults());
        SplittableRandom random = new SplittableRandom(5);
        for (int i = 0; i < 5000; i++) {
            test.record("champion", random.nextDouble() < 0.85);
            test.record("challenger", random.nextDouble() < 0.90);
        }
        AbTest.Result result = test.result();
        assertThat(result.verdict()).isEqualTo(AbTest.Verdict.B_BETTER);
        assertThat(result.winner()).isEqualTo("challenger");
        assertThat(result.alwaysValidPValue()).isLessThan(0.05);
        assertThat(result.fixedHorizonPValue()).isLessThan(1e-6);
    }

    @Test
    void peekingAfterEveryObservationKeepsFalsePositivesBelowAlpha() {
        // 200 A/A tests (no real difference), each peeked after every fifth observation: the always-valid p-value
        // must declare a winner in at most ~alpha of them, where a peeked fixed-horizon test would in far more.
        int experiments = 200;
        int sequentialFalse = 0;
        int naiveFalse = 0;
        SplittableRandom random = new SplittableRandom(11);
        for (int e = 0; e < experiments; e++) {
            AbTest test = new AbTest("a", "b", new AbTest.Policy(0.05, 50, 0.0025));
            boolean sequentialFired = false;
            boolean naiveFired = false;
            for (int i = 0; i < 2000; i++) {
                test.record("a", random.nextDouble() < 0.8);
                test.record("b", random.nextDouble() < 0.8);
                if (i >= 50 && i % 5 == 0) {
                    AbTest.Result result = test.result();
                    sequentialFired |= result.verdict() == AbTest.Verdict.A_BETTER || result.verdict() == AbTest.Verdict.B_BETTER;
                    naiveFired |= result.fixedHorizonPValue() < 0.05;
                }
            }
            sequentialFalse += sequentialFired ? 1 : 0;
            naiveFalse += naiveFired ? 1 : 0;
        }
        System.out.printf("A/A tests peeked continuously: always-valid false positives %d/%d, naive z-test %d/%d%n",
                sequentialFalse, experiments, naiveFalse, experiments);
        assertThat(sequentialFalse).isLessThanOrEqualTo(experiments / 10);
        assertThat(naiveFalse).isGreaterThan(sequentialFalse);
    }

    @Test
    void fixedHorizonPValueMatchesScipy() throws Exception {
        AbTest test = new AbTest("a", "b", AbTest.Policy.defaults());
        for (int i = 0; i < 1000; i++) {
            test.record("a", i < 820);
            test.record("b", i < 850);
        }
        double ours = test.result().fixedHorizonPValue();
        Path script = temp.resolve("p.py");
        Files.writeString(script, String.join("\n", List.of(
                "import math",
                "from scipy.stats import norm",
                "pa, pb, n = 0.82, 0.85, 1000",
                "p = (820 + 850) / 2000",
                "z = (pb - pa) / math.sqrt(p * (1 - p) * (2 / n))",
                "print(repr(2 * norm.sf(abs(z))))")));
        Process python = new ProcessBuilder("/usr/bin/python3", script.toString()).redirectErrorStream(true).start();
        assertThat(python.waitFor(60, TimeUnit.SECONDS)).isTrue();
        String out = new String(python.getInputStream().readAllBytes()).trim();
        assertThat(python.exitValue()).as(out).isZero();
        double scipy = Double.parseDouble(out);
        assertThat(ours).isCloseTo(scipy, org.assertj.core.data.Percentage.withPercentage(1e-4));
    }
}
