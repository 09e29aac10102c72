package dev.anomalyops.drift;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.anomalyops.core.FeatureSchema;
import dev.anomalyops.core.scoring.FeatureBatch;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Assume;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;

/** Properties of the drift statistics and of the binning that feeds them. */
class DriftStatisticsPropertiesTest {
    private static final double EPS = DriftStatistics.DEFAULT_EPSILON;

    @Provide
    Arbitrary<double[][]> distributionPairs() {
        return Arbitraries.integers().between(1, 30).flatMap(bins -> Combinators.combine(counts(bins), counts(bins))
                .as((a, b) -> new double[][] {DriftStatistics.shares(a), DriftStatistics.shares(b)}));
    }

    private Arbitrary<long[]> counts(int bins) {
        return Arbitraries.longs().between(0, 1000).array(long[].class).ofSize(bins)
                .filter(c -> java.util.Arrays.stream(c).sum() > 0);
    }

    @Property
    void psiIsNonNegativeSymmetricAndTheSumOfBothKlDirections(@ForAll("distributionPairs") double[][] pair) {
        double psi = DriftStatistics.psi(pair[0], pair[1], EPS);
        assertThat(psi).isGreaterThanOrEqualTo(0.0);
        assertThat(DriftStatistics.psi(pair[1], pair[0], EPS)).isCloseTo(psi, within(1e-12 * (1 + psi)));
        double both = DriftStatistics.klDivergence(pair[0], pair[1], EPS) + DriftStatistics.klDivergence(pair[1], pair[0], EPS);
        assertThat(psi).isCloseTo(both, within(1e-9 * (1 + psi)));
    }

    @Property
    void identicalDistributionsHaveNoDrift(@ForAll("distributionPairs") double[][] pair) {
        assertThat(DriftStatistics.psi(pair[0], pair[0].clone(), EPS)).isZero();
        assertThat(DriftStatistics.klDivergence(pair[0], pair[0].clone(), EPS)).isZero();
        assertThat(DriftStatistics.jensenShannon(pair[0], pair[0].clone())).isZero();
    }

    @Property
    void klIsNonNegativeAndJensenShannonIsBoundedAndSymmetric(@ForAll("distributionPairs") double[][] pair) {
        assertThat(DriftStatistics.klDivergence(pair[0], pair[1], EPS)).isGreaterThanOrEqualTo(-1e-15);
        double js = DriftStatistics.jensenShannon(pair[0], pair[1]);
        assertThat(js).isBetween(-1e-15, Math.log(2) + 1e-15);
        assertThat(DriftStatistics.jensenShannon(pair[1], pair[0])).isCloseTo(js, within(1e-15));
    }

    @Property
    void psiGrowsAsProductionMovesAwayFromTheReference(@ForAll("distributionPairs") double[][] pair,
            @ForAll @DoubleRange(min = 0, max = 1) double t1, @ForAll @DoubleRange(min = 0, max = 1) double t2) {
        // Along the segment from q to p, PSI(q, mix) is convex and 0 at q, so it never decreases. Smoothing only
        // changes shares below epsilon, so the property is checked where no share is that small.
        double[] q = DriftStatistics.smooth(pair[0], 1e-3);
        double[] p = DriftStatistics.smooth(pair[1], 1e-3);
        double lo = Math.min(t1, t2);
        double hi = Math.max(t1, t2);
        double near = DriftStatistics.psi(q, mix(q, p, lo), EPS);
        double far = DriftStatistics.psi(q, mix(q, p, hi), EPS);
        assertThat(far).isGreaterThanOrEqualTo(near - 1e-12);
    }

    private static double[] mix(double[] q, double[] p, double t) {
        double[] m = new double[q.length];
        for (int i = 0; i < m.length; i++) {
            m[i] = (1 - t) * q[i] + t * p[i];
        }
        return m;
    }

    @Property(tries = 60)
    void statisticsDoNotDependOnRowOrder(@ForAll @IntRange(min = 1, max = 400) int rows, @ForAll long seed) {
        FeatureSchema schema = TestData.schema(5);
        FeatureBatch reference = TestData.synthetic(schema, 500, 0, seed);
        ReferenceProfile profile = ReferenceProfile.learn(reference, TestData.probabilities(reference), ProfileOptions.defaults());
        FeatureBatch window = TestData.synthetic(schema, rows, 0.4, seed + 1);
        double[] probabilities = TestData.probabilities(window);
        List<Integer> order = new ArrayList<>();
        for (int r = 0; r < rows; r++) {
            order.add(r);
        }
        Collections.shuffle(order, new Random(seed));
        float[] shuffled = new float[rows * 5];
        double[] shuffledP = new double[rows];
        for (int r = 0; r < rows; r++) {
            System.arraycopy(window.values(), order.get(r) * 5, shuffled, r * 5, 5);
            shuffledP[r] = probabilities[order.get(r)];
        }
        DriftCalculator calculator = DriftCalculator.builder(profile).build();
        DriftReport a = calculator.compare(window, probabilities);
        DriftReport b = calculator.compare(FeatureBatch.wrap(schema, shuffled, rows), shuffledP);
        for (int f = 0; f < 5; f++) {
            assertThat(b.features().get(f).productionShares()).containsExactly(a.features().get(f).productionShares());
            assertThat(b.features().get(f).psi()).isEqualTo(a.features().get(f).psi());
            assertThat(b.features().get(f).outliers()).isEqualTo(a.features().get(f).outliers());
            assertThat(b.features().get(f).missing()).isEqualTo(a.features().get(f).missing());
        }
        assertThat(b.anomalies()).isEqualTo(a.anomalies());
    }

    @Property(tries = 20)
    void aWindowDrawnLikeTheReferenceHasSmallPsi(@ForAll long seed) {
        FeatureSchema schema = TestData.schema(4);
        ReferenceProfile profile = ReferenceProfile.learn(TestData.synthetic(schema, 20_000, 0, seed), null,
                ProfileOptions.defaults());
        DriftReport same = DriftCalculator.builder(profile).build().compare(TestData.synthetic(schema, 20_000, 0, seed + 7), null);
        DriftReport shifted = DriftCalculator.builder(profile).build().compare(TestData.synthetic(schema, 20_000, 1, seed + 7), null);
        for (int f = 0; f < 4; f++) {
            // Sampling noise of PSI is about (bins - 1) / n per sample: far below 0.1 for 20,000 rows.
            assertThat(same.features().get(f).psi()).isLessThan(0.02);
            assertThat(shifted.features().get(f).psi()).isGreaterThan(0.3);
        }
    }

    @Provide
    Arbitrary<float[]> awkwardValues() {
        // Few distinct values (ties on edges), negative zero, infinities and NaN.
        Arbitrary<Float> value = Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(10, Arbitraries.integers().between(-5, 5).map(i -> i / 2f)),
                net.jqwik.api.Tuple.of(5, Arbitraries.floats().between(-1e6f, 1e6f)),
                net.jqwik.api.Tuple.of(1, Arbitraries.of(Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, -0.0f,
                        Float.MIN_VALUE, -Float.MAX_VALUE)));
        return value.array(float[].class).ofMinSize(1).ofMaxSize(300);
    }

    @Property(tries = 300)
    void fastBinningAgreesWithTheProfileDefinition(@ForAll("awkwardValues") float[] training,
            @ForAll("awkwardValues") float[] production, @ForAll @IntRange(min = 2, max = 40) int bins) {
        FeatureSchema schema = TestData.schema(1);
        ReferenceProfile profile = ReferenceProfile.learn(FeatureBatch.wrap(schema, training, training.length), null,
                ProfileOptions.builder().bins(bins).build());
        FeatureProfile feature = profile.features().get(0);
        long[] expected = new long[feature.bins()];
        long missing = 0;
        long outliers = 0;
        for (float x : production) {
            if (Float.isNaN(x)) {
                missing++;
                continue;
            }
            expected[feature.binOf(x)]++;
            if (feature.isOutlier(x)) {
                outliers++;
            }
        }
        FeatureDrift drift = DriftCalculator.builder(profile).build()
                .compare(FeatureBatch.wrap(schema, production, production.length), null).features().get(0);
        long binned = production.length - missing;
        assertThat(drift.missing()).isEqualTo(missing);
        assertThat(drift.outliers()).isEqualTo(outliers);
        assertThat(drift.binned()).isEqualTo(binned);
        for (int b = 0; b < expected.length; b++) {
            assertThat(Math.round(drift.productionShare(b) * binned)).as("bin " + b).isEqualTo(expected[b]);
        }
        // The learnt reference counts follow the same definition.
        long[] referenceCounts = new long[feature.bins()];
        for (float x : training) {
            if (!Float.isNaN(x)) {
                referenceCounts[feature.binOf(x)]++;
            }
        }
        assertThat(feature.counts()).containsExactly(referenceCounts);
    }

    @Property(tries = 100)
    void quantileBinsHoldRoughlyEqualSharesOfContinuousData(@ForAll long seed, @ForAll @IntRange(min = 2, max = 50) int bins) {
        Random random = new Random(seed);
        float[] values = new float[5000];
        for (int i = 0; i < values.length; i++) {
            values[i] = (float) random.nextGaussian();
        }
        FeatureProfile feature = ReferenceProfile.learn(FeatureBatch.wrap(TestData.schema(1), values, values.length), null,
                ProfileOptions.builder().bins(bins).build()).features().get(0);
        Assume.that(feature.bins() == bins);
        for (double share : feature.frequencies()) {
            assertThat(share).isCloseTo(1.0 / bins, within(2.0 / values.length + 1e-12));
        }
    }
}
