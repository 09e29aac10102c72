package dev.anomalyops.benchmarks;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ./bench spark}: the scale-out figures of anomaly-spark in Spark local mode against the single-machine path.
 * The work runs in a child JVM on anomaly-spark's class path (Spark 3.5 with the JDK 17 {@code --add-opens} flags), so
 * that Spark's 177 jars never join this module's class path.
 */
@Command(name = "spark", mixinStandardHelpOptions = true,
        description = {"Features and XGBoost training on Spark (local mode) versus one machine, on generated data.",
            "",
            "Data: generated, deterministic for --seed: --instances machines sampled once a minute, cpu (daily cycle +",
            "noise + rare spikes) and network_in (log-normal, rare bursts), 0.1% missing values, a label on spikes and",
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

    /** The JDK 17 flags Spark 3.5 needs (the same list as spark.java17.flags in the root POM and docs/spark.md). */
    static final List<String> JAVA17_FLAGS = List.of(
            "--add-opens=java.base/java.lang=ALL-UNNAMED", "--add-opens=java.base/java.lang.invoke=ALL-UNNAMED",
            "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED", "--add-opens=java.base/java.io=ALL-UNNAMED",
            "--add-opens=java.base/java.net=ALL-UNNAMED", "--add-opens=java.base/java.nio=ALL-UNNAMED",
            "--add-opens=java.base/java.util=ALL-UNNAMED", "--add-opens=java.base/java.util.concurrent=ALL-UNNAMED",
            "--add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED", "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
            "--add-opens=java.base/sun.nio.cs=ALL-UNNAMED", "--add-opens=java.base/sun.security.action=ALL-UNNAMED",
            "--add-opens=java.base/sun.util.calendar=ALL-UNNAMED", "-Djdk.reflect.useDirectMethodHandle=false");

    @Override
    public ObjectNode call() throws Exception {
        Path root = repositoryRoot();
        Path target = root.resolve("anomaly-spark/target");
        ensureBuilt(root, target);
        String classpath = target.resolve("classes") + ":" + read(target.resolve("classpath-runtime.txt")) + ":"
                + read(target.resolve("classpath-provided.txt"));
        Path work = data.toAbsolutePath();
        Files.createDirectories(work);
        Path out = work.resolve("result-" + rows + ".json");
        Files.deleteIfExists(out);
        Path log4j = work.resolve("log4j2-bench.properties");
        Files.writeString(log4j, String.join("\n",
                "rootLogger.level = warn", "rootLogger.appenderRef.stderr.ref = console",
                "appender.console.type = Console", "appender.console.name = console", "appender.console.target = SYSTEM_ERR",
                "appender.console.layout.type = PatternLayout", "appender.console.layout.pattern = %d{HH:mm:ss} %m%n",
                "logger.ao.name = dev.anomalyops", "logger.ao.level = info", ""));
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Xmx" + heap);
        command.add("-XX:+UseParallelGC");
        command.addAll(JAVA17_FLAGS);
        command.add("-Dlog4j2.configurationFile=" + log4j);
        command.add("-cp");
        command.add(classpath);
        command.add("dev.anomalyops.spark.bench.ScaleOutBenchmark");
        command.addAll(List.of("--rows", Integer.toString(rows), "--instances", Integer.toString(instances),
                "--seed", Long.toString(seed), "--cores", Integer.toString(cores), "--rounds", Integer.toString(rounds),
                "--single-train-max", Long.toString(singleTrainMax), "--data", work.toString(), "--out", out.toString()));
        Bench.progress("Running the Spark benchmark in a child JVM (%s heap, local[%d]) ...", heap, cores);
        Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.to(
                work.resolve("spark-" + rows + ".log").toFile())).start();
        Thread tail = tail(work.resolve("spark-" + rows + ".log"), p);
        int rc = p.waitFor();
        tail.join(2_000);
        if (rc != 0 || !Files.exists(out)) {
            throw new IllegalStateException("The Spark benchmark JVM exited with " + rc + "; its log is "
                    + work.resolve("spark-" + rows + ".log"));
        }
        return (ObjectNode) new ObjectMapper().readTree(Files.readString(out));
    }

    /** Echoes the child's progress lines (ours, not Spark's) as they come. */
    private static Thread tail(Path log, Process p) {
        Thread t = new Thread(() -> {
            long position = 0;
            try {
                while (p.isAlive() || position < Files.size(log)) {
                    long size = Files.exists(log) ? Files.size(log) : 0;
                    if (size > position) {
                        try (var in = Files.newInputStream(log)) {
                            in.skipNBytes(position);
                            byte[] bytes = in.readNBytes((int) Math.min(size - position, 1 << 20));
                            position += bytes.length;
                            for (String line : new String(bytes, StandardCharsets.UTF_8).split("\n")) {
                                if (!line.isBlank() && !line.contains("WARN") && !line.startsWith("\t")) {
                                    Bench.progress("  %s", line);
                                }
                            }
                        }
                    } else if (!p.isAlive()) {
                        break;
                    }
                    Thread.sleep(500);
                }
            } catch (IOException | InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "spark-log");
        t.setDaemon(true);
        t.start();
        return t;
    }

    private static String read(Path file) throws IOException {
        return Files.readString(file).trim();
    }

    /** Builds anomaly-spark (and what it needs) when its class path files are missing or older than a source. */
    private static void ensureBuilt(Path root, Path target) throws IOException, InterruptedException {
        if (System.getenv("ANOMALYOPS_SKIP_BUILD") != null) {
            return;
        }
        Path marker = target.resolve("classpath-provided.txt");
        if (Files.exists(marker) && !newerSources(root, Files.getLastModifiedTime(marker))) {
            return;
        }
        Bench.progress("Building anomaly-spark (first use or sources changed) ...");
        Process build = new ProcessBuilder(root.resolve("mvnw").toString(), "-q", "-B", "-DskipTests",
                "-Dmaven.javadoc.skip=true", "-Dmaven.source.skip=true", "-pl", "anomaly-spark", "-am", "package")
                .directory(root.toFile()).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.INHERIT).start();
        if (build.waitFor() != 0) {
            throw new IllegalStateException("Building anomaly-spark failed (see the output above)");
        }
    }

    private static boolean newerSources(Path root, FileTime than) throws IOException {
        List<String> modules = List.of("anomaly-core", "anomaly-features", "anomaly-train", "anomaly-spark");
        for (String module : modules) {
            Path dir = root.resolve(module);
            if (Files.getLastModifiedTime(dir.resolve("pom.xml")).compareTo(than) > 0) {
                return true;
            }
            Path main = dir.resolve("src/main");
            if (!Files.exists(main)) {
                continue;
            }
            try (Stream<Path> files = Files.walk(main)) {
                if (files.anyMatch(f -> {
                    try {
                        return Files.getLastModifiedTime(f).compareTo(than) > 0;
                    } catch (IOException e) {
                        return true;
                    }
                })) {
                    return true;
                }
            }
        }
        return Files.getLastModifiedTime(root.resolve("pom.xml")).compareTo(than) > 0;
    }

    /** The repository root: benchmarks/target/classes is three levels below it. */
    private static Path repositoryRoot() throws Exception {
        Path classes = Path.of(SparkRunner.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        Path root = classes.getParent().getParent().getParent();
        if (!Files.exists(root.resolve("anomaly-spark/pom.xml"))) {
            throw new IllegalStateException("Cannot find the repository root above " + classes);
        }
        return root;
    }
}
