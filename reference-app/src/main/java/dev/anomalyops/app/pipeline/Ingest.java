package dev.anomalyops.app.pipeline;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.anomalyops.core.ConfigurationException;
import dev.anomalyops.core.InputException;
import dev.anomalyops.core.NotFoundException;
import dev.anomalyops.core.StorageException;
import dev.anomalyops.features.parquet.Column;
import dev.anomalyops.features.parquet.ParquetTableWriter;
import dev.anomalyops.features.parquet.Storage;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;

/**
 * The ingest step: copies raw data from a local folder or {@code s3://bucket/prefix} into the work directory's
 * lake as Parquet. Server metrics come in the Server Machine Dataset layout ({@code smd/train/M.txt.gz},
 * {@code smd/test/M.txt.gz}, {@code smd/test_label/M.txt}; 38 values per minute, no timestamps, so samples get
 * one-minute timestamps from {@link #START}, the test split continuing after the training split). Logs are the
 * Loghub samples ({@code loghub/S/S_2k.log}), one row per line. Re-running replaces the same files (idempotent).
 */
public final class Ingest {
    /** Timestamp of the first training sample (the files have none; SMD is sampled once a minute). */
    public static final Instant START = Instant.parse("2026-01-01T00:00:00Z");
    /** The sampling interval of SMD. */
    public static final Duration STEP = Duration.ofMinutes(1);
    /** Name of the label column in test files. */
    public static final String LABEL = "label";

    private Ingest() {}

    /**
     * @param count number of metrics
     * @return the metric column names {@code m01, m02, ...} (1-based, as SMD's interpretation labels number them)
     */
    public static List<String> metricNames(int count) {
        List<String> names = new ArrayList<>(count);
        for (int i = 1; i <= count; i++) {
            names.add(String.format("m%02d", i));
        }
        return names;
    }

    /**
     * What was ingested.
     *
     * @param source where from
     * @param rows rows per split and machine ({@code train/machine-1-2})
     * @param anomalies labelled anomalous rows in the test split
     * @param metrics metrics per row
     * @param logLines log lines per system
     * @param files the files written
     */
    public record Result(String source, Map<String, Long> rows, long anomalies, int metrics, Map<String, Long> logLines,
            List<Path> files) {
        /** @return a JSON summary */
        public ObjectNode toJson() {
            ObjectNode node = JsonNodeFactory.instance.objectNode();
            node.put("source", source);
            rows.forEach(node.putObject("rows")::put);
            node.put("anomalies", anomalies);
            node.put("metrics", metrics);
            logLines.forEach(node.putObject("logLines")::put);
            files.forEach(f -> node.withArray("files").add(f.toString()));
            return node;
        }

        /** @return rows over all splits and machines */
        public long totalRows() {
            return rows.values().stream().mapToLong(Long::longValue).sum();
        }
    }

    /**
     * Runs the step.
     *
     * @param config the configuration (data source, machines, systems, row limit)
     * @param workspace where to write
     * @param progress progress lines
     * @return what was written
     */
    public static Result run(PipelineConfig config, Workspace workspace, Progress progress) {
        return run(config, workspace, progress, Ingest::defaultS3Client);
    }

    /**
     * Runs the step with a given S3 client (tests, or callers with their own credentials).
     *
     * @param config the configuration
     * @param workspace where to write
     * @param progress progress lines
     * @param s3 makes the client for an {@code s3://} source (closed at the end)
     * @return what was written
     */
    public static Result run(PipelineConfig config, Workspace workspace, Progress progress,
            java.util.function.Supplier<S3Client> s3) {
        String source = config.data().source();
        Path download = workspace.root().resolve("download");
        try (Source from = Source.open(source, download, s3)) {
            Map<String, Long> rows = new java.util.LinkedHashMap<>();
            Map<String, Long> logs = new java.util.LinkedHashMap<>();
            List<Path> files = new ArrayList<>();
            long anomalies = 0;
            int metrics = 0;
            for (String machine : config.data().machines()) {
                long trainRows = 0;
                for (String split : Workspace.SPLITS) {
                    Path raw = from.fetch("smd/" + split + "/" + machine + ".txt.gz");
                    int[] labels = split.equals("test") ? readLabels(from.fetch("smd/test_label/" + machine + ".txt"))
                            : null;
                    Path target = Workspace.prepare(workspace.lakeMetrics(split, machine));
                    long first = split.equals("test") ? trainRows : 0;
                    long[] written = writeMetrics(raw, labels, machine, first, config.data().maxRows(), target);
                    metrics = (int) written[1];
                    rows.put(split + "/" + machine, written[0]);
                    anomalies += written[2];
                    if (split.equals("train")) {
                        trainRows = written[0];
                    }
                    files.add(target);
                    progress.line(String.format("  ingested %-22s %,8d rows  -> %s", split + "/" + machine, written[0],
                            workspace.root().relativize(target)));
                }
            }
            for (String system : config.data().logs()) {
                Path raw = from.fetch("loghub/" + system + "/" + system + "_2k.log");
                Path target = Workspace.prepare(workspace.lakeLogs(system));
                long lines = writeLogs(raw, system, target);
                logs.put(system, lines);
                files.add(target);
                progress.line(String.format("  ingested %-22s %,8d lines -> %s", "logs/" + system, lines,
                        workspace.root().relativize(target)));
            }
            return new Result(source, rows, anomalies, metrics, logs, files);
        } finally {
            Workspace.deleteTree(download);
        }
    }

    private static long[] writeMetrics(Path raw, int[] labels, String machine, long firstStep, int maxRows,
            Path target) {
        List<Column> columns = null;
        ParquetTableWriter writer = null;
        long rows = 0;
        long anomalies = 0;
        int width = -1;
        try (BufferedReader in = reader(raw)) {
            String line;
            while ((line = in.readLine()) != null && (maxRows == 0 || rows < maxRows)) {
                if (line.isBlank()) {
                    continue;
                }
                String[] cells = line.split(",", -1);
                if (width < 0) {
                    width = cells.length;
                    columns = new ArrayList<>();
                    columns.add(Column.string("instance"));
                    columns.add(Column.timestamp("timestamp"));
                    for (String name : metricNames(width)) {
                        columns.add(Column.float64(name));
                    }
                    if (labels != null) {
                        columns.add(Column.int64(LABEL));
                    }
                    writer = ParquetTableWriter.create(target, columns, Map.of("anomalyops.source", raw.getFileName()
                            .toString()));
                } else if (cells.length != width) {
                    throw new InputException("Line " + (rows + 1) + " of \"" + raw + "\" has " + cells.length
                            + " values but the first line has " + width);
                }
                Object[] row = new Object[columns.size()];
                row[0] = machine;
                row[1] = START.plus(STEP.multipliedBy(firstStep + rows)).toEpochMilli();
                for (int i = 0; i < width; i++) {
                    row[2 + i] = parse(cells[i], raw, rows + 1);
                }
                if (labels != null) {
                    if (rows >= labels.length) {
                        throw new InputException("\"" + raw + "\" has more rows than its label file (" + labels.length
                                + ")");
                    }
                    row[2 + width] = (long) labels[(int) rows];
                    anomalies += labels[(int) rows];
                }
                writer.row(row);
                rows++;
            }
        } catch (IOException e) {
            throw new StorageException("Cannot read \"" + raw + "\": " + e.getMessage(), e);
        } finally {
            if (writer != null) {
                writer.close();
            }
        }
        if (writer == null) {
            throw new InputException("\"" + raw + "\" holds no rows");
        }
        return new long[] {rows, width, anomalies};
    }

    private static double parse(String cell, Path file, long line) {
        String text = cell.strip();
        if (text.isEmpty() || text.equalsIgnoreCase("nan")) {
            return Double.NaN;
        }
        try {
            return Double.parseDouble(text);
        } catch (NumberFormatException e) {
            throw new InputException("Line " + line + " of \"" + file + "\" has \"" + cell + "\" where a number"
                    + " was expected");
        }
    }

    private static int[] readLabels(Path file) {
        try {
            List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
            int[] labels = new int[lines.size()];
            int n = 0;
            for (String line : lines) {
                String text = line.strip();
                if (text.isEmpty()) {
                    continue;
                }
                if (!text.equals("0") && !text.equals("1")) {
                    throw new InputException("Line " + (n + 1) + " of \"" + file + "\" is \"" + text
                            + "\" but labels are 0 or 1");
                }
                labels[n++] = text.charAt(0) - '0';
            }
            return java.util.Arrays.copyOf(labels, n);
        } catch (IOException e) {
            throw new StorageException("Cannot read \"" + file + "\": " + e.getMessage(), e);
        }
    }

    private static long writeLogs(Path raw, String system, Path target) {
        List<Column> columns = List.of(Column.string("system"), Column.int64("line"), Column.string("message"));
        long lines = 0;
        try (BufferedReader in = reader(raw);
                ParquetTableWriter writer = ParquetTableWriter.create(target, columns, Map.of("anomalyops.source",
                        raw.getFileName().toString()))) {
            String line;
            while ((line = in.readLine()) != null) {
                // Loghub's .log files end lines with CRLF; the message is the line without it.
                writer.row(system, ++lines, line.endsWith("\r") ? line.substring(0, line.length() - 1) : line);
            }
        } catch (IOException e) {
            throw new StorageException("Cannot read \"" + raw + "\": " + e.getMessage(), e);
        }
        return lines;
    }

    /** The AWS SDK's default credentials and region; {@code AWS_ENDPOINT_URL} for S3-compatible stores. */
    static S3Client defaultS3Client() {
        S3ClientBuilder builder = S3Client.builder();
        String endpoint = System.getenv("AWS_ENDPOINT_URL");
        if (endpoint != null && !endpoint.isBlank()) {
            builder.endpointOverride(URI.create(endpoint)).forcePathStyle(true);
        }
        return builder.build();
    }

    private static BufferedReader reader(Path file) throws IOException {
        InputStream in = Files.newInputStream(file);
        if (file.getFileName().toString().endsWith(".gz")) {
            in = new GZIPInputStream(in, 1 << 16);
        }
        return new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8), 1 << 16);
    }

    /** A local folder, or S3 objects downloaded on demand. */
    static final class Source implements AutoCloseable {
        private final Path local;
        private final Storage storage;
        private final S3Client client;
        private final Path download;

        private Source(Path local, Storage storage, S3Client client, Path download) {
            this.local = local;
            this.storage = storage;
            this.client = client;
            this.download = download;
        }

        static Source open(String location, Path download, java.util.function.Supplier<S3Client> s3) {
            return open("data.source", location, download, s3);
        }

        /** @param key the configuration key that named the location, for error messages */
        static Source open(String key, String location, Path download, java.util.function.Supplier<S3Client> s3) {
            if (location.startsWith("s3://")) {
                URI uri = URI.create(location);
                if (uri.getHost() == null) {
                    throw new ConfigurationException(key + " " + location + " names no bucket; use s3://bucket/prefix");
                }
                String prefix = uri.getPath() == null ? "" : uri.getPath().replaceFirst("^/", "");
                if (!prefix.isEmpty() && !prefix.endsWith("/")) {
                    prefix += "/";
                }
                S3Client client = s3.get();
                return new Source(null, Storage.s3(client, uri.getHost(), prefix), client, download);
            }
            Path dir = Path.of(location);
            if (!Files.isDirectory(dir)) {
                throw new NotFoundException("The data folder \"" + dir.toAbsolutePath().normalize() + "\" does not exist;"
                        + " set data.source (or ANOMALYOPS_DATA_SOURCE, --data) to the folder with smd/ and loghub/");
            }
            return new Source(dir, null, null, download);
        }

        Path fetch(String key) {
            if (local != null) {
                Path file = local.resolve(key);
                if (!Files.isRegularFile(file)) {
                    throw new NotFoundException("The data file \"" + file + "\" does not exist");
                }
                return file;
            }
            Path target = Workspace.prepare(download.resolve(key));
            byte[] bytes = storage.getBytes(key).orElseThrow(() -> new NotFoundException("The object \"" + key
                    + "\" does not exist in " + storage.describe()));
            try {
                Files.write(target, bytes);
            } catch (IOException e) {
                throw new StorageException("Cannot write \"" + target + "\": " + e.getMessage(), e);
            }
            return target;
        }

        @Override
        public void close() {
            if (client != null) {
                client.close();
            }
        }
    }
}
