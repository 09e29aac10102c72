package dev.anomalyops.features.validation;

import dev.anomalyops.core.StorageException;
import dev.anomalyops.features.metrics.FeatureSpec;
import dev.anomalyops.features.parquet.Column;
import dev.anomalyops.features.parquet.ParquetTableWriter;
import dev.anomalyops.features.parquet.Storage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Quarantine as a Parquet file: columns {@code source}, {@code row}, the instance and timestamp columns and every
 * metric as text (as read), then {@code rules} (comma-separated rule names) and {@code reason}. With a
 * {@link Storage} the file is uploaded under its key (e.g. to S3) when closed; with none it stays at the local path.
 */
public final class ParquetQuarantine implements QuarantineSink {
    private final ParquetTableWriter writer;
    private final Path file;
    private final @Nullable Storage storage;
    private final String key;
    private final int metrics;

    private ParquetQuarantine(FeatureSpec spec, Path file, @Nullable Storage storage, String key) {
        List<Column> columns = new ArrayList<>();
        columns.add(Column.string("source"));
        columns.add(Column.int64("row"));
        columns.add(Column.string(spec.instanceColumn()));
        columns.add(Column.string(spec.timestampColumn()));
        for (String m : spec.metricNames()) {
            columns.add(Column.string(m));
        }
        columns.add(Column.string("rules"));
        columns.add(Column.string("reason"));
        this.metrics = spec.metricNames().size();
        this.file = file;
        this.storage = storage;
        this.key = key;
        this.writer = ParquetTableWriter.create(file, columns, Map.of("anomalyops.spec", spec.name(),
                "anomalyops.kind", "quarantine"));
    }

    /**
     * @param spec the spec whose columns the rows have
     * @param file the local Parquet file to write
     * @return the sink
     */
    public static ParquetQuarantine toFile(FeatureSpec spec, Path file) {
        return new ParquetQuarantine(spec, file, null, "");
    }

    /**
     * @param spec the spec whose columns the rows have
     * @param storage where to upload the file on close (a local folder or S3)
     * @param key the key to upload under, e.g. {@code quarantine/dt=2024-01-01/run-42.parquet}
     * @return the sink
     * @throws StorageException when the temporary file cannot be created
     */
    public static ParquetQuarantine toStorage(FeatureSpec spec, Storage storage, String key) {
        try {
            Path tmp = Files.createTempDirectory("anomalyops-quarantine").resolve("quarantine.parquet");
            return new ParquetQuarantine(spec, tmp, storage, key);
        } catch (IOException e) {
            throw new StorageException("Cannot create a temporary quarantine file: " + e.getMessage(), e);
        }
    }

    @Override
    public void accept(QuarantinedRow row) {
        Object[] values = new Object[6 + metrics];
        values[0] = row.source();
        values[1] = row.rowNumber();
        values[2] = row.instance();
        values[3] = row.timestamp();
        for (int m = 0; m < metrics; m++) {
            values[4 + m] = m < row.values().size() ? row.values().get(m) : "";
        }
        List<String> rules = new ArrayList<>();
        row.rules().forEach(r -> rules.add(r.wireName()));
        values[4 + metrics] = String.join(",", rules);
        values[5 + metrics] = row.reason();
        writer.row(values);
    }

    /** @return rows written so far */
    public long rows() {
        return writer.rows();
    }

    @Override
    public void close() {
        writer.close();
        if (storage != null) {
            storage.put(key, file);
            try {
                Files.deleteIfExists(file);
                Files.deleteIfExists(file.getParent());
            } catch (IOException e) {
                // A leftover temporary file is harmless; the quarantine itself is stored.
            }
        }
    }
}
