package dev.anomalyops.benchmarks.train;

import dev.anomalyops.core.FeatureSchema;
import dev.anomalyops.core.scoring.FeatureBatch;
import dev.anomalyops.train.RowSource;
import dev.anomalyops.train.detect.IsolationForest;
import dev.anomalyops.train.detect.IsolationForestModel;
import dev.anomalyops.train.detect.SplitRule;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Fitting and scoring an Isolation Forest (100 trees, ψ = 256) on 24 000 rows × 38 features, the size of one
 * Server Machine Dataset train file, by thread count and split rule. Run after {@code ./bench --help} has
 * built the module:
 *
 * <pre>{@code
 * java -cp benchmarks/target/classes:$(cat benchmarks/target/classpath.txt) org.openjdk.jmh.Main IsolationForestBenchmark
 * }</pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class IsolationForestBenchmark {
    @Param({"1", "2"})
    int threads;

    @Param({"AXIS_PARALLEL", "HYPERPLANE"})
    SplitRule splitRule;

    private FeatureBatch rows;
    private IsolationForest detector;
    private IsolationForestModel model;
    private double[] scores;

    /** Generates the rows and fits the model that the scoring benchmark uses. */
    @Setup
    public void setUp() {
        int n = 24_000;
        int d = 38;
        SplittableRandom random = new SplittableRandom(1);
        rows = FeatureBatch.allocate(FeatureSchema.unnamed(d), n);
        float[] values = rows.values();
        for (int i = 0; i < values.length; i++) {
            values[i] = (float) random.nextDouble();
        }
        detector = IsolationForest.builder().threads(threads).splitRule(splitRule).seed(1).build();
        model = detector.fit(RowSource.of(rows));
        scores = new double[n];
    }

    /** @return the fitted model */
    @Benchmark
    public IsolationForestModel fit() {
        return detector.fit(RowSource.of(rows));
    }

    /** @return the scores of all rows */
    @Benchmark
    public double[] score() {
        model.score(rows, scores);
        return scores;
    }
}
