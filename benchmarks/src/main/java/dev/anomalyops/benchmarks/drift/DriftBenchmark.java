package dev.anomalyops.benchmarks.drift;

import dev.anomalyops.core.FeatureSchema;
import dev.anomalyops.core.scoring.FeatureBatch;
import dev.anomalyops.drift.DriftCalculator;
import dev.anomalyops.drift.DriftMonitor;
import dev.anomalyops.drift.DriftReport;
import dev.anomalyops.drift.ProfileOptions;
import dev.anomalyops.drift.ReferenceProfile;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The cost of drift monitoring on the scoring path: {@link DriftMonitor#record} of one scored row (37 features and
 * its prediction), and of a 64-row batch per row; plus the batch {@link DriftCalculator} over one million rows.
 *
 * <p>Run: {@code ./mvnw -q -pl benchmarks -am package -DskipTests && java -cp
 * "benchmarks/target/classes:$(cat benchmarks/target/classpath.txt)" org.openjdk.jmh.Main DriftBenchmark}. The
 * monitor figures are also measured by {@code ./bench drift} ({@code monitor_ns_per_row}).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class DriftBenchmark {
    /** Rows cycled through, so that the branch predictor cannot learn one row. */
    static final int ROWS = 1 << 14;

    /** A monitor for a 37-feature model, and scored rows to feed it. */
    @State(Scope.Benchmark)
    public static class Monitor {
        @Param("37")
        int features;
        DriftMonitor monitor;
        float[] values;
        double[] probabilities;
        int next;

        @Setup
        public void setUp() {
            FeatureSchema schema = DriftData.schema(features);
            FeatureBatch training = DriftData.rows(schema, 100_000, 0, 1);
            ReferenceProfile profile = ReferenceProfile.learn(training, DriftData.probabilities(training, 2),
                    ProfileOptions.defaults());
            monitor = DriftMonitor.builder(profile, "bench", "1").build();
            FeatureBatch traffic = DriftData.rows(schema, ROWS, 0.5, 3);
            values = traffic.values();
            probabilities = DriftData.probabilities(traffic, 4);
        }
    }

    /**
     * @param m the monitor and rows
     * @return the monitor (so the call is not dead code)
     */
    @Benchmark
    public DriftMonitor recordOneRow(Monitor m) {
        int row = m.next;
        m.next = (row + 1) & (ROWS - 1);
        m.monitor.record(m.values, row * m.features, 1, m.probabilities, row);
        return m.monitor;
    }

    /**
     * @param m the monitor and rows
     * @return the monitor
     */
    @Benchmark
    @OperationsPerInvocation(64)
    public DriftMonitor recordBatchOf64PerRow(Monitor m) {
        int row = m.next;
        m.next = (row + 64) & (ROWS - 1);
        m.monitor.record(m.values, row * m.features, 64, m.probabilities, row);
        return m.monitor;
    }

    /** One million production rows of 37 features and a profile to compare them with. */
    @State(Scope.Benchmark)
    public static class Window {
        DriftCalculator calculator;
        FeatureBatch window;

        @Setup
        public void setUp() {
            FeatureSchema schema = DriftData.schema(37);
            FeatureBatch training = DriftData.rows(schema, 200_000, 0, 1);
            calculator = DriftCalculator.builder(ReferenceProfile.learn(training, null, ProfileOptions.defaults())).build();
            window = DriftData.rows(schema, 1_000_000, 0.5, 5);
        }
    }

    /**
     * @param w the calculator and the window
     * @return the report
     */
    @Benchmark
    @BenchmarkMode(Mode.SingleShotTime)
    @OutputTimeUnit(TimeUnit.MILLISECONDS)
    @Warmup(iterations = 3, batchSize = 1)
    @Measurement(iterations = 10, batchSize = 1)
    public DriftReport psi37x1m(Window w) {
        return w.calculator.compare(w.window, null);
    }
}
