package dev.anomalyops.train.detect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.anomalyops.core.ConfigurationException;
import dev.anomalyops.core.FeatureSchema;
import dev.anomalyops.core.InputException;
import dev.anomalyops.core.scoring.FeatureBatch;
import dev.anomalyops.train.CsvRowSource;
import dev.anomalyops.train.RowSource;
import dev.anomalyops.train.eval.RankingMetrics;
import dev.anomalyops.train.internal.IsolationTrees;
import dev.anomalyops.train.testing.Synthetic;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IsolationForestTest {
    @TempDir
    Path temp;

    @Test
    void averagePathLengthIsTheBinarySearchTreeFormula() {
        assertThat(IsolationTrees.averagePathLength(0)).isZero();
        assertThat(IsolationTrees.averagePathLength(1)).isZero();
        assertThat(IsolationTrees.averagePathLength(2)).isEqualTo(1.0);
        // 2 (ln 255 + γ) - 2 · 255/256, worked by hand: 10.2447709...
        assertThat(IsolationTrees.averagePathLength(256)).isCloseTo(10.2447709, within(1e-6));
    }

    @Test
    void twoPointsAreIsolatedInOneCutSoEveryScoreIsOneHalf() {
        // ψ = 2: depth limit 1, every leaf holds one training row, so every path has length 1 = c(2).
        FeatureBatch rows = FeatureBatch.wrap(FeatureSchema.unnamed(2), new float[] {0, 0, 1, 3}, 2);
        IsolationForestModel model = IsolationForest.builder().trees(7).build().fit(RowSource.of(rows));
        double[] scores = new double[1];
        for (float[] probe : new float[][] {{0, 0}, {1, 3}, {100, -100}}) {
            model.score(FeatureBatch.wrap(rows.schema(), probe, 1), scores);
            assertThat(scores[0]).isEqualTo(0.5);
        }
        assertThat(model.samplesPerTree()).isEqualTo(2);
    }

    @Test
    void identicalRowsCannotBeSplitSoTheRootIsALeaf() {
        float[] values = new float[300 * 3];
        Arrays.fill(values, 4.2f);
        IsolationForestModel model = IsolationForest.builder().build()
                .fit(RowSource.of(FeatureSchema.unnamed(3), values, 300));
        double[] scores = new double[1];
        model.score(FeatureBatch.wrap(FeatureSchema.unnamed(3), new float[] {9, 9, 9}, 1), scores);
        // Every path is the root leaf: h = c(256), so s = 2^-1.
        assertThat(scores[0]).isCloseTo(0.5, within(1e-12));
    }

    @Test
    void separatesOutliersAndFlagsTheContaminationShareOfTrainingRows() {
        FeatureBatch rows = Synthetic.cloud(4000, 6, 50, 7);
        IsolationForestModel model = IsolationForest.builder().contamination(0.02).seed(3).build().fit(RowSource.of(rows));
        double[] scores = model.scoreAll(RowSource.of(rows));
        assertThat(RankingMetrics.rocAuc(scores, Synthetic.labels(4000, 50))).isGreaterThan(0.99);
        long flagged = Arrays.stream(scores).filter(s -> s >= model.threshold()).count();
        assertThat(flagged / 4000.0).isCloseTo(0.02, within(0.0005));
        assertThat(model.offset()).isEqualTo(-Math.nextDown(model.threshold()));
        assertThat(model.fitReport().rowsUsed()).isEqualTo(4000);
    }

    @Test
    void autoContaminationFlagsScoresAboveOneHalf() {
        FeatureBatch rows = Synthetic.cloud(1000, 4, 0, 1);
        IsolationForestModel model = IsolationForest.builder().build().fit(RowSource.of(rows));
        assertThat(model.offset()).isEqualTo(-0.5);
        assertThat(model.threshold()).isEqualTo(Math.nextUp(0.5));
        assertThat(model.contamination().isAuto()).isTrue();
    }

    @Test
    void sameSeedGivesTheSameForestWhateverTheThreadsOrSource() throws Exception {
        FeatureBatch rows = Synthetic.cloud(3000, 5, 100, 11);
        byte[] sequential = IsolationForest.builder().seed(42).contamination(0.05).build()
                .fit(RowSource.of(rows)).toBytes();
        byte[] threaded = IsolationForest.builder().seed(42).contamination(0.05).threads(3).build()
                .fit(RowSource.of(rows)).toBytes();
        ExecutorService executor = Executors.newFixedThreadPool(2);
        byte[] onExecutor;
        try {
            onExecutor = IsolationForest.builder().seed(42).contamination(0.05).executor(executor).build()
                    .fit(RowSource.of(rows)).toBytes();
        } finally {
            executor.shutdown();
        }
        // The same rows streamed from a CSV file in batches of 97 rows.
        Path csv = temp.resolve("rows.csv");
        StringBuilder text = new StringBuilder("f0,f1,f2,f3,f4\n");
        for (int r = 0; r < rows.rows(); r++) {
            for (int c = 0; c < 5; c++) {
                text.append(c == 0 ? "" : ",").append(rows.get(r, c));
            }
            text.append('\n');
        }
        Files.writeString(csv, text);
        byte[] streamed = IsolationForest.builder().seed(42).contamination(0.05).build()
                .fit(CsvRowSource.builder(csv).batchRows(97).build()).toBytes();
        byte[] otherSeed = IsolationForest.builder().seed(43).contamination(0.05).build()
                .fit(RowSource.of(rows)).toBytes();

        assertThat(threaded).isEqualTo(sequential);
        assertThat(onExecutor).isEqualTo(sequential);
        assertThat(streamed).isEqualTo(sequential);
        assertThat(otherSeed).isNotEqualTo(sequential);
    }

    @Test
    void parallelScoringEqualsSequentialScoring() {
        FeatureBatch rows = Synthetic.cloud(10_000, 4, 100, 5);
        IsolationForestModel model = IsolationForest.builder().seed(1).build().fit(RowSource.of(rows));
        double[] one = new double[rows.rows()];
        double[] four = new double[rows.rows()];
        model.score(rows, one);
        model.withThreads(4).score(rows, four);
        assertThat(four).containsExactly(one);
    }

    @Test
    void maxSamplesAndMaxFeaturesFollowScikitLearn() throws Exception {
        FeatureBatch rows = Synthetic.cloud(1000, 10, 0, 2);
        IsolationForestModel count = IsolationForest.builder().maxSamples(5000).build().fit(RowSource.of(rows));
        assertThat(count.samplesPerTree()).as("a count above n is capped at n").isEqualTo(1000);
        IsolationForestModel fraction = IsolationForest.builder().maxSamplesFraction(0.1).maxFeatures(3).trees(20)
                .build().fit(RowSource.of(rows));
        assertThat(fraction.samplesPerTree()).isEqualTo(100);
        JsonNode json = new ObjectMapper().readTree(fraction.toBytes());
        assertThat(json.get("trees")).hasSize(20);
        for (JsonNode tree : json.get("trees")) {
            assertThat(tree.get("features")).hasSize(3);
            for (JsonNode feature : tree.get("feature")) {
                int f = feature.asInt();
                if (f >= 0) {
                    assertThat(tree.get("features").toString()).contains(Integer.toString(f));
                }
            }
            // Depth limit ceil(log2 100) = 7: a binary tree that deep has at most 2^8 - 1 nodes.
            assertThat(tree.get("feature").size()).isLessThanOrEqualTo(255);
            assertThat(tree.get("size").get(0).asInt()).isEqualTo(100);
        }
        assertThat(fraction.hyperParameters()).containsEntry("max_features_used", "3")
                .containsEntry("max_samples_used", "100");
    }

    @Test
    void rowsWithNonFiniteValuesAreLeftOutWithTheReasonAndNaNScoresFinite() {
        FeatureBatch rows = Synthetic.cloud(500, 3, 0, 9);
        rows.set(10, 1, Float.NaN);
        rows.set(20, 2, Float.POSITIVE_INFINITY);
        IsolationForestModel model = IsolationForest.builder().contamination(0.1).build().fit(RowSource.of(rows));
        FitReport report = model.fitReport();
        assertThat(report.rowsRead()).isEqualTo(500);
        assertThat(report.rowsUsed()).isEqualTo(498);
        assertThat(report.quarantined()).isEqualTo(2);
        assertThat(report.quarantineSamples()).containsExactly("row 10: feature \"f1\" is missing (NaN)",
                "row 20: feature \"f2\" is +Infinity");
        double[] score = new double[1];
        model.score(FeatureBatch.wrap(rows.schema(), new float[] {0, Float.NaN, 0}, 1), score);
        assertThat(score[0]).isStrictlyBetween(0.0, 1.0);
    }

    @Test
    void serialisesAndReadsBackScoringIdentically() {
        FeatureBatch rows = Synthetic.cloud(800, 4, 40, 4);
        for (SplitRule rule : SplitRule.values()) {
            IsolationForestModel model = IsolationForest.builder().splitRule(rule).contamination(0.03).build()
                    .fit(RowSource.of(rows));
            byte[] bytes = model.toBytes();
            IsolationForestModel read = IsolationForestModel.fromBytes(bytes, null);
            assertThat(read.toBytes()).isEqualTo(bytes);
            assertThat(read.scoreAll(RowSource.of(rows))).containsExactly(model.scoreAll(RowSource.of(rows)));
            assertThat(read.threshold()).isEqualTo(model.threshold());
            assertThat(read.splitRule()).isEqualTo(rule);
        }
    }

    @Test
    void rejectsCorruptModelFiles() {
        FeatureBatch rows = Synthetic.cloud(100, 2, 0, 4);
        String json = new String(IsolationForest.builder().trees(2).build().fit(RowSource.of(rows)).toBytes());
        assertThatThrownBy(() -> IsolationForestModel.fromBytes("{}".getBytes(), null))
                .hasMessageContaining("\"isolation_forest\"");
        assertThatThrownBy(() -> IsolationForestModel.fromBytes(json.replaceFirst("\"left\":\\[\\d+", "\"left\":[0")
                .getBytes(), null)).hasMessageContaining("must point forward");
        assertThatThrownBy(() -> IsolationForestModel.fromBytes(json.substring(0, json.length() / 2).getBytes(), null))
                .hasMessageContaining("not valid JSON");
    }

    @Test
    void reportsEveryInvalidSettingAtOnce() {
        assertThatThrownBy(() -> IsolationForest.builder().trees(0).threads(0).contamination(0.7)
                .maxSamplesFraction(1.5).extensionLevel(2).build())
                .isInstanceOf(ConfigurationException.class)
                .satisfies(e -> assertThat(((ConfigurationException) e).violations()).hasSize(5));
    }

    @Test
    void needsTwoUsableRows() {
        FeatureBatch one = FeatureBatch.wrap(FeatureSchema.unnamed(2), new float[] {1, 2, Float.NaN, 3}, 2);
        assertThatThrownBy(() -> IsolationForest.builder().build().fit(RowSource.of(one)))
                .isInstanceOf(InputException.class)
                .hasMessageContaining("1 usable rows").hasMessageContaining("row 1: feature \"f0\" is missing");
    }

    @Property(tries = 40)
    void scoresLieInTheUnitIntervalAndTheThresholdFlagsTheContaminationShare(
            @ForAll @IntRange(min = 20, max = 400) int rows,
            @ForAll @IntRange(min = 1, max = 5) int features,
            @ForAll @DoubleRange(min = 0.01, max = 0.5) double contamination,
            @ForAll long seed) {
        FeatureBatch batch = Synthetic.cloud(rows, features, 0, seed);
        IsolationForestModel model = IsolationForest.builder().trees(10).contamination(contamination).seed(seed).build()
                .fit(RowSource.of(batch));
        double[] scores = model.scoreAll(RowSource.of(batch));
        assertThat(Arrays.stream(scores).min().orElseThrow()).isGreaterThan(0.0);
        assertThat(Arrays.stream(scores).max().orElseThrow()).isLessThanOrEqualTo(1.0);
        long flagged = Arrays.stream(scores).filter(s -> s >= model.threshold()).count();
        // numpy's percentile puts the cut between the k-th and (k+1)-th largest score, k = floor((n-1) c) + 1.
        long expected = (long) Math.floor((rows - 1) * contamination) + 1;
        long ties = Arrays.stream(scores).filter(s -> s == Math.nextDown(model.threshold())).count();
        assertThat(flagged).isBetween(expected - 1 - ties, expected);
    }
}
