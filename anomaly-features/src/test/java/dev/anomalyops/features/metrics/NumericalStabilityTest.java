package dev.anomalyops.features.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.math.MathContext;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

/**
 * Rolling variance without catastrophic cancellation: series with a large offset and small spread (the case where
 * the textbook sum-of-squares formula loses every significant digit) keep float32 accuracy over long runs.
 */
class NumericalStabilityTest {
    private static FeatureSpec spec(int window) {
        return FeatureSpec.builder("stable").metrics("x")
                .window(Window.ofSamples(window, Stat.MEAN, Stat.STD)).build();
    }

    private static double exactStd(double[] values, int from, int to) {
        MathContext mc = MathContext.DECIMAL128;
        BigDecimal sum = BigDecimal.ZERO;
        for (int i = from; i < to; i++) {
            sum = sum.add(new BigDecimal(values[i]), mc);
        }
        BigDecimal mean = sum.divide(BigDecimal.valueOf(to - from), mc);
        BigDecimal squares = BigDecimal.ZERO;
        for (int i = from; i < to; i++) {
            BigDecimal d = new BigDecimal(values[i]).subtract(mean, mc);
            squares = squares.add(d.multiply(d, mc), mc);
        }
        return Math.sqrt(squares.divide(BigDecimal.valueOf(to - from - 1), mc).doubleValue());
    }

    @Test
    void largeOffsetSmallSpreadKeepsItsDigitsOverAMillionSteps() {
        int window = 60;
        Random random = new Random(42);
        int n = 1_000_000;
        double[] values = new double[n];
        for (int i = 0; i < n; i++) {
            values[i] = 1e9 + random.nextGaussian() * 0.01;
        }
        OnlineFeatures online = OnlineFeatures.builder(spec(window)).clock(InstantSource.fixed(Instant.EPOCH)).build();
        float[] row = new float[2];
        double naiveWorst = 0;
        double worst = 0;
        double sum = 0;
        double sumSq = 0;
        for (int i = 0; i < n; i++) {
            online.update("a", i, new double[] {values[i]}, row, 0);
            sum += values[i];
            sumSq += values[i] * values[i];
            if (i >= window) {
                sum -= values[i - window];
                sumSq -= values[i - window] * values[i - window];
            }
            if (i >= window && i % 9973 == 0) {
                double exact = exactStd(values, i - window + 1, i + 1);
                worst = Math.max(worst, Math.abs(row[1] - exact) / exact);
                double naive = Math.sqrt(Math.max(0, (sumSq - sum * sum / window) / (window - 1)));
                naiveWorst = Math.max(naiveWorst, Math.abs(naive - exact) / exact);
            }
        }
        assertThat(worst).as("relative error of our rolling std").isLessThan(1e-6);
        assertThat(naiveWorst).as("relative error of the sum-of-squares formula (the failure we avoid)").isGreaterThan(0.5);
    }

    @Property(tries = 60)
    void rollingStdMatchesExactValueForAnyOffsetAndScale(@ForAll @IntRange(min = -12, max = 12) int offsetExponent,
            @ForAll @IntRange(min = -6, max = 6) int scaleExponent, @ForAll @IntRange(min = 2, max = 80) int window,
            @ForAll long seed) {
        Random random = new Random(seed);
        double offset = (random.nextBoolean() ? 1 : -1) * Math.pow(10, offsetExponent) * (1 + random.nextDouble());
        double scale = Math.pow(10, scaleExponent);
        int n = 2_000;
        double[] values = new double[n];
        for (int i = 0; i < n; i++) {
            values[i] = offset + random.nextGaussian() * scale;
        }
        OnlineFeatures online = OnlineFeatures.builder(spec(window)).clock(InstantSource.fixed(Instant.EPOCH)).build();
        float[] row = new float[2];
        for (int i = 0; i < n; i++) {
            online.update("a", i, new double[] {values[i]}, row, 0);
        }
        double exact = exactStd(values, n - window, n);
        // Doubles carry ~16 digits: a spread below offset * 1e-12 is not representable in the inputs themselves.
        double tolerance = 1e-5 * exact + 1e-13 * Math.abs(offset);
        assertThat(Math.abs(row[1] - exact)).isLessThanOrEqualTo(tolerance);
    }
}
