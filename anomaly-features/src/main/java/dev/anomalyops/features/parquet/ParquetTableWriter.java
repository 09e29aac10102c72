package dev.anomalyops.features.parquet;

import dev.anomalyops.core.StorageException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;
import org.apache.parquet.conf.PlainParquetConfiguration;
import org.apache.parquet.hadoop.ParquetFileWriter;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.io.LocalOutputFile;

/**
 * Writes one Parquet file, row by row. The file appears at its path only when {@link #close()} succeeds (it is
 * written beside it and moved into place), so a reader never sees half a file. Not thread-safe.
 */
public final class ParquetTableWriter implements AutoCloseable {
    private final List<Column> columns;
    private final Path target;
    private final Path temporary;
    private final ParquetWriter<Object[]> writer;
    private long rows;

    private ParquetTableWriter(Path target, List<Column> columns, Map<String, String> metadata) throws IOException {
        this.columns = List.copyOf(columns);
        this.target = target.toAbsolutePath();
        Files.createDirectories(this.target.getParent());
        this.temporary = this.target.resolveSibling("." + this.target.getFileName() + ".tmp");
        this.writer = new RowWriterBuilder(new LocalOutputFile(temporary), new RowWriteSupport(columns, metadata))
                .withConf(new PlainParquetConfiguration())
                .withWriteMode(ParquetFileWriter.Mode.OVERWRITE)
                .withCompressionCodec(CompressionCodecName.SNAPPY)
                .withRowGroupSize(64L << 20)
                .build();
    }

    /**
     * @param target the file to write (replaced if it exists)
     * @param columns the columns in order
     * @param metadata footer metadata (e.g. the feature spec's fingerprint)
     * @return the writer
     * @throws StorageException when the file cannot be created
     */
    public static ParquetTableWriter create(Path target, List<Column> columns, Map<String, String> metadata) {
        try {
            return new ParquetTableWriter(target, columns, metadata);
        } catch (IOException e) {
            throw new StorageException("Cannot create Parquet file \"" + target + "\": " + e.getMessage(), e);
        }
    }

    /** @return the columns */
    public List<Column> columns() {
        return columns;
    }

    /**
     * @param values one value per column: String, a Number, or null (optional columns); NaN doubles become null
     * @throws StorageException when writing fails
     */
    public void row(Object... values) {
        if (values.length != columns.size()) {
            throw new IllegalArgumentException("Expected " + columns.size() + " values but got " + values.length);
        }
        try {
            writer.write(values);
            rows++;
        } catch (IOException e) {
            throw new StorageException("Cannot write to Parquet file \"" + target + "\": " + e.getMessage(), e);
        }
    }

    /** @return rows written so far */
    public long rows() {
        return rows;
    }

    @Override
    public void close() {
        try {
            writer.close();
            Files.move(temporary, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new StorageException("Cannot finish Parquet file \"" + target + "\": " + e.getMessage(), e);
        }
    }
}
