package dev.anomalyops.benchmarks;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.anomalyops.app.spark.SparkProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ./bench spark}: the scale-out figures of anomaly-spark in Spark local mode against the single-machine path.
 * The work runs in a child JVM on anomaly-spark's class path ({@link SparkProcess}: Spark 3.5 with the JDK 17
 * {@code --add-opens} flags), so that Spark's 177 jars never join this module's class path.
 */
@Command(name = "spark", mixinStandardHelpOptions = true,
        description = {"Features and XGBoost training on Spark (local mode) versus one machine, on generated data.",
            "",
            "Data: generated, deterministic for --seed: --instances machines sampled once a minute, cpu (daily cycle +",
            "noise + rare spikes) and network_in (log-normal, rare bursts), 0.1%% missing values, a label on spikes and",
            "bursts. Spark writes it once as Parquet under --data and it is reused.",
            "",
            "Features: the 37-feature spec of ./bench features (windows 5/15/60 x mean/std/min/max, lags 1/5/15, diff 1,",
            "pct 1, hour/day-of-week/weekend). feature_seconds: Spark reads the Parquet samples, computes the features",
            "as window functions and writes them as Parquet. single_machine_feature_seconds: BatchFeatures over the same",
            "samples held in memory (reading them is not counted, which favours the single machine).",
            "equal_to_single_machine: per-instance digests of the exact float bits of every feature row match, and no",
            "row was rejected on either side.",
            "",
            "Training: XGBoost (the single-machine trainer's defaults: max_depth 6, eta 0.3, hist, balanced classes),",
            "--rounds rounds. training_seconds: xgboost4j-spark with one worker per Spark core (nthread 1) reading the",
            "features Parquet. single_machine_training_seconds: xgboost4j with nthread = --cores on the in-memory rows",
            "(only up to --single-train-max rows; null above).",
            "",
            "Last stdout line: {\"equal_to_single_machine\", \"feature_seconds\", \"training_seconds\",",
            "\"single_machine_feature_seconds\", ...}."})
public final class SparkRunner implements Bench.Runner {
    @Option(names = "--rows", defaultValue = "1000000", description = "Rows of generated data (default ${DEFAULT-VALUE}).")
    int rows;

    @Option(names = "--instances", defaultValue = "1500", description = "Instances (default ${DEFAULT-VALUE}).")
    int instances;

    @Option(names = "--seed", defaultValue = "42", description = "Data seed (default ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--cores", defaultValue = "2", description = "Spark local cores = XGBoost workers (default ${DEFAULT-VALUE}).")
    int cores;

    @Option(names = "--rounds", defaultValue = "100", description = "XGBoost rounds (default ${DEFAULT-VALUE}).")
    int rounds;

    @Option(names = "--heap", defaultValue = "6g", description = "Heap of the Spark JVM (default ${DEFAULT-VALUE}).")
    String heap;

    @Option(names = "--single-train-max", defaultValue = "3000000",
            description = "Most rows trained on one machine for comparison (default ${DEFAULT-VALUE}).")
    long singleTrainMax;

    @Option(names = "--data", defaultValue = "target/bench-spark", description = "Folder for generated data (default ${DEFAULT-VALUE}).")
    Path data;

    @Override
    public ObjectNode call() throws Exception {
        SparkProcess spark = SparkProcess.forCheckoutOf(SparkRunner.class, heap);
        Path work = data.toAbsolutePath();
        Files.createDirectories(work);
        Path out = work.resolve("result-" + rows + ".json");
        Files.deleteIfExists(out);
        Path log = work.resolve("spark-" + rows + ".log");
        Bench.progress("Running the Spark benchmark in a child JVM (%s heap, local[%d]) ...", heap, cores);
        int rc = spark.run("dev.anomalyops.spark.bench.ScaleOutBenchmark", List.of("--rows", Integer.toString(rows),
                "--instances", Integer.toString(instances), "--seed", Long.toString(seed), "--cores",
                Integer.toString(cores), "--rounds", Integer.toString(rounds), "--single-train-max",
                Long.toString(singleTrainMax), "--data", work.toString(), "--out", out.toString()), log,
                line -> Bench.progress("  %s", line));
        if (rc != 0 || !Files.exists(out)) {
            throw new IllegalStateException("The Spark benchmark JVM exited with " + rc + "; its log is " + log);
        }
        return (ObjectNode) new ObjectMapper().readTree(Files.readString(out));
    }
}
