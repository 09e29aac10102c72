package dev.anomalyops.app.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import dev.anomalyops.app.spark.SparkProcess;
import dev.anomalyops.core.NonRetriableException;
import dev.anomalyops.core.StorageException;
import dev.anomalyops.features.metrics.FeatureSpec;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The demo's optional Spark stage ({@code ./anomalyops demo --spark}): anomaly-spark's
 * {@code SparkDemoStage} runs in a child JVM in Spark local mode over what the single-machine stages left in the
 * workspace (validated samples, features, the Isolation Forest bundle, the registry) and checks it: Spark features
 * equal to the demo's bit for bit, the forest broadcast over Spark scoring as on one machine, and XGBoost trained on
 * Spark ({@code xgboost4j-spark}) registered as {@code MODEL-spark} and evaluated on the test split.
 */
public final class SparkStage {
    /** Heap of the Spark JVM: the demo's data is small. */
    private static final String HEAP = "3g";
    private static final int CORES = 2;
    /** Fewer rounds than the single-machine champion's 50: xgboost4j-spark costs ~1 s a round in local mode. */
    private static final int ROUNDS = 20;

    private SparkStage() {}

    /**
     * @param figures what the Spark JVM printed (see docs/spark.md for every field)
     * @param log the Spark JVM's output
     */
    public record Result(JsonNode figures, Path log) {
        /** @return whether both splits' Spark features equal the single machine's, bit for bit, row for row */
        public boolean featuresEqual() {
            return figures.path("features").path("equalToSingleMachine").asBoolean(false);
        }

        /** @return the largest difference between the forest's scores on Spark and on one machine */
        public double maxScoreDifference() {
            return figures.path("detector").path("maxAbsScoreDifference").asDouble(Double.NaN);
        }

        /** @return the registered model reference ({@code name@version}) */
        public String registered() {
            JsonNode t = figures.path("training");
            return t.path("model").asText() + "@" + t.path("version").asText();
        }
    }

    /**
     * Runs the stage after the demo's features, detector and registry stages.
     *
     * @param config the configuration (the model name)
     * @param workspace the demo's workspace
     * @param spec the spec the demo's features were computed with
     * @param progress progress lines
     * @return the figures
     * @throws NonRetriableException when the Spark JVM fails (its log says why)
     */
    public static Result run(PipelineConfig config, Workspace workspace, FeatureSpec spec, Progress progress) {
        Path dir = workspace.directory("spark");
        Path specFile = dir.resolve("feature-spec.yaml");
        Path out = dir.resolve("result.json");
        Path log = dir.resolve("spark.log");
        try {
            Files.writeString(specFile, spec.toYaml(), StandardCharsets.UTF_8);
            Files.deleteIfExists(out);
        } catch (IOException e) {
            throw new StorageException("Cannot write \"" + specFile + "\": " + e.getMessage(), e);
        }
        SparkProcess spark = SparkProcess.forCheckoutOf(SparkStage.class, HEAP);
        int rc = spark.run("dev.anomalyops.spark.demo.SparkDemoStage", List.of("--work",
                workspace.root().toAbsolutePath().toString(), "--spec", specFile.toAbsolutePath().toString(), "--model",
                config.model(), "--out", out.toAbsolutePath().toString(), "--cores", Integer.toString(CORES),
                "--rounds", Integer.toString(ROUNDS)), log, line -> progress.line("  spark     " + line));
        if (rc != 0 || !Files.exists(out)) {
            throw new NonRetriableException("The Spark stage failed (exit status " + rc + "): " + lastError(log)
                    + "; the whole log is " + log);
        }
        try {
            return new Result(PipelineJson.MAPPER.readTree(out.toFile()), log);
        } catch (IOException e) {
            throw new StorageException("Cannot read \"" + out + "\": " + e.getMessage(), e);
        }
    }

    /** The last line of the log that names an exception, for a one-line reason. */
    private static String lastError(Path log) {
        try {
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            for (int i = lines.size() - 1; i >= 0; i--) {
                String line = lines.get(i);
                if (!line.startsWith("\t") && (line.contains("Exception") || line.contains("Error"))) {
                    return line.trim();
                }
            }
            return "no exception in its log";
        } catch (IOException e) {
            return "its log cannot be read (" + e.getMessage() + ")";
        }
    }
}
