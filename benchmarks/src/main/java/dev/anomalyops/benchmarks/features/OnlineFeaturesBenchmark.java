package dev.anomalyops.benchmarks.features;

import dev.anomalyops.features.metrics.FeatureSpec;
import dev.anomalyops.features.metrics.OnlineFeatures;
import java.time.Instant;
import java.time.InstantSource;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
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
 * Online feature extraction, 37 features per sample, samples interleaved across instances: throughput in samples per
 * second on one thread (one core). Run with:
 *
 * <pre>
 * ./mvnw -q -pl benchmarks -am package -DskipTests
 * java -cp "benchmarks/target/classes:$(cat benchmarks/target/classpath.txt)" org.openjdk.jmh.Main OnlineFeaturesBenchmark -f 1 -wi 3 -i 5
 * </pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class OnlineFeaturesBenchmark {
    private static final int BATCH = 100_000;

    @Param({"1500"})
    public int instances;

    private FeatureWorkload workload;
    private int[] order;
    private String[] instanceOf;
    private OnlineFeatures online;
    private final float[] row = new float[37];
    private final double[] values = new double[2];
    private int next;
    private long shift;

    /** Generates 1,500,000 rows and a fresh online execution. */
    @Setup(Level.Trial)
    public void setUp() {
        workload = FeatureWorkload.generate(1_500_000, instances, 7);
        order = workload.arrivalOrder();
        instanceOf = new String[workload.rows];
        for (int r = 0; r < workload.rows; r++) {
            instanceOf[r] = workload.names[workload.instance[r]];
        }
        FeatureSpec spec = FeatureWorkload.spec37();
        online = OnlineFeatures.builder(spec).clock(InstantSource.fixed(Instant.EPOCH)).build();
    }

    /** @return a value of the last row, so the work is not eliminated */
    @Benchmark
    @OperationsPerInvocation(BATCH)
    public float samples() {
        FeatureWorkload w = workload;
        for (int i = 0; i < BATCH; i++) {
            if (next == w.rows) {
                // Replay the data later in time so that every sample is accepted.
                next = 0;
                shift += w.rows / instances * 60_000L + 60_000L;
            }
            int r = order[next++];
            values[0] = w.values[2 * r];
            values[1] = w.values[2 * r + 1];
            online.update(instanceOf[r], w.timestamp[r] + shift, values, row, 0);
        }
        return row[0];
    }
}
