package dev.anomalyops.app.pipeline;

import dev.anomalyops.core.StorageException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * The layout of the pipeline's work directory, shared by the steps so that each command finds what the previous
 * one wrote:
 *
 * <pre>
 * lake/metrics/split=train/MACHINE.parquet    ingested metrics (instance, timestamp, m01..m38; test also label)
 * lake/logs/system=SYSTEM/part.parquet        ingested log lines (system, line, message)
 * valid/split=SPLIT/MACHINE.parquet           rows that passed validation
 * quarantine/SPLIT-MACHINE.parquet            rows that did not, with the reason
 * validation.json                             the quarantine report
 * features/split=SPLIT/MACHINE.parquet        feature rows (instance, timestamp, features; test also label)
 * detector/bundle/                            the Isolation Forest bundle (with its drift reference profile)
 * labels.jsonl                                the label store (pseudo-labels and review answers)
 * registry/                                   the demo's own file registry
 * report.html, summary.json                   the demo's reports
 * </pre>
 *
 * @param root the work directory
 */
public record Workspace(Path root) {
    /** Splits of the SMD data. */
    public static final List<String> SPLITS = List.of("train", "test");

    /** @param split train or test @param machine the machine @return the ingested metrics file */
    public Path lakeMetrics(String split, String machine) {
        return root.resolve("lake/metrics/split=" + split).resolve(machine + ".parquet");
    }

    /** @param system a Loghub system @return the ingested log file */
    public Path lakeLogs(String system) {
        return root.resolve("lake/logs/system=" + system).resolve("part.parquet");
    }

    /** @param split train or test @param machine the machine @return the validated metrics file */
    public Path valid(String split, String machine) {
        return root.resolve("valid/split=" + split).resolve(machine + ".parquet");
    }

    /** @param split train or test @param machine the machine @return the quarantine file */
    public Path quarantine(String split, String machine) {
        return root.resolve("quarantine").resolve(split + "-" + machine + ".parquet");
    }

    /** @return the validation report */
    public Path validationReport() {
        return root.resolve("validation.json");
    }

    /** @param split train or test @param machine the machine @return the feature file */
    public Path features(String split, String machine) {
        return root.resolve("features/split=" + split).resolve(machine + ".parquet");
    }

    /** @return the detector step's folder */
    public Path detector() {
        return root.resolve("detector");
    }

    /** @return the label store */
    public Path labels() {
        return root.resolve("labels.jsonl");
    }

    /** @return the HTML report */
    public Path report() {
        return root.resolve("report.html");
    }

    /** @param relative a path under the root @return the directory, created */
    public Path directory(String relative) {
        Path dir = root.resolve(relative);
        createDirectories(dir);
        return dir;
    }

    /** @param file a file whose parent directories to create @return the file */
    static Path prepare(Path file) {
        createDirectories(file.toAbsolutePath().getParent());
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            throw new StorageException("Cannot replace \"" + file + "\": " + e.getMessage(), e);
        }
        return file;
    }

    static void createDirectories(Path dir) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new StorageException("Cannot create the directory \"" + dir + "\": " + e.getMessage(), e);
        }
    }

    /** Deletes a directory tree (what a failed step left behind). */
    static void deleteTree(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            List<Path> paths = new ArrayList<>(walk.toList());
            java.util.Collections.reverse(paths);
            for (Path p : paths) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new StorageException("Cannot delete \"" + dir + "\": " + e.getMessage(), e);
        }
    }
}
