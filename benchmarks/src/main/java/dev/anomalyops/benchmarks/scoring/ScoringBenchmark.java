package dev.anomalyops.benchmarks.scoring;

import dev.anomalyops.core.model.ModelBundle;
import dev.anomalyops.core.scoring.FeatureBatch;
import dev.anomalyops.core.scoring.Scorer;
import dev.anomalyops.core.scoring.ScorerOptions;
import dev.anomalyops.core.scoring.Scorers;
import dev.anomalyops.scoring.onnx.OnnxExporter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Scoring engines side by side: the pure-Java scorer ({@code java}; {@code java-pointers} forces the
 * pointer-linked tree layout instead of the padded one, to show why the padded layout is the default),
 * xgboost4j's native in-place predictor and catboost-prediction, for a 100-tree depth-6 and a 500-tree depth-8
 * binary model on 37 features, and ONNX Runtime (CPU) on the same XGBoost model exported to ONNX. {@code batch} scores that many rows per call into a reused output array;
 * {@code singleRow} scores one row per call, cycling through 4,096 distinct rows. Time per call; rows/s is
 * {@code rows / time}. The catboost engine scores a CatBoost JSON model of the same shape.
 *
 * <p>Run: {@code ./bench jmh ScoringBenchmark -prof gc} (see {@code ./bench jmh --help}); the README's table comes
 * from {@code ./bench jmh ScoringBenchmark -prof gc -rf json -rff target/jmh-scoring.json}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xss4m", "-XX:+UseParallelGC"})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class ScoringBenchmark {
    @Param({"100x6", "500x8"})
    public String model;

    @Param({"java", "java-pointers", "xgboost4j", "catboost", "onnxruntime"})
    public String engine;

    @Param({"1", "16", "256", "65536"})
    public int batch;

    private Scorer scorer;
    private FeatureBatch input;
    private double[] out;
    private float[][] singles;
    private int next;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        String[] shape = model.split("x");
        int trees = Integer.parseInt(shape[0]);
        int depth = Integer.parseInt(shape[1]);
        boolean catboost = engine.equals("catboost");
        if (engine.equals("java-pointers")) {
            System.setProperty("anomalyops.trees.layout", "pointers");
        }
        Path file = catboost ? BenchModels.catboost(trees, depth) : BenchModels.xgboost(trees, depth);
        ModelBundle bundle = Scorers.load(file);
        if (engine.equals("onnxruntime")) {
            // ONNX Runtime scores the same XGBoost model, exported to ai.onnx.ml TreeEnsemble by OnnxExporter.
            Path onnx = Files.createTempDirectory("bench-onnx").resolve("bundle");
            bundle = OnnxExporter.exportBundle(bundle, onnx);
        }
        String name = engine.startsWith("java") ? "java" : engine;
        scorer = Scorers.open(bundle, ScorerOptions.builder().engine(name).build());
        float[] rows = BenchModels.rows(Math.max(batch, 4096), 7);
        input = FeatureBatch.wrap(scorer.model().schema(), Arrays.copyOf(rows, batch * BenchModels.FEATURES), batch);
        out = new double[batch];
        singles = new float[4096][];
        for (int r = 0; r < singles.length; r++) {
            singles[r] = Arrays.copyOfRange(rows, r * BenchModels.FEATURES, (r + 1) * BenchModels.FEATURES);
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        scorer.close();
        System.clearProperty("anomalyops.trees.layout");
    }

    /** @return the predictions of one batch call */
    @Benchmark
    public double[] batch() {
        scorer.score(input, out);
        return out;
    }

    /** @return one row's prediction (only meaningful with {@code batch=1}) */
    @Benchmark
    public double singleRow() {
        float[] row = singles[next];
        next = (next + 1) & (singles.length - 1);
        return scorer.probability(row);
    }
}
