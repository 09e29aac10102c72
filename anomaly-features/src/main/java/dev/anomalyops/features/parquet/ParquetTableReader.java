package dev.anomalyops.features.parquet;

import dev.anomalyops.core.StorageException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.parquet.ParquetReadOptions;
import org.apache.parquet.column.ColumnDescriptor;
import org.apache.parquet.column.ColumnReader;
import org.apache.parquet.column.impl.ColumnReadStoreImpl;
import org.apache.parquet.column.page.PageReadStore;
import org.apache.parquet.conf.PlainParquetConfiguration;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.io.LocalInputFile;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType;
import org.jspecify.annotations.Nullable;

/**
 * Reads a Parquet file row group by row group into column arrays (the fast, columnar path: no per-row records).
 * Flat schemas only. Not thread-safe.
 */
public final class ParquetTableReader implements AutoCloseable {
    private final Path file;
    private final ParquetFileReader reader;
    private final MessageType schema;
    private final List<Column> columns;
    private final Map<String, String> metadata;
    private @Nullable Set<String> selected;

    private ParquetTableReader(Path file) throws IOException {
        this.file = file;
        this.reader = ParquetFileReader.open(new LocalInputFile(file),
                ParquetReadOptions.builder(new PlainParquetConfiguration()).build());
        this.schema = reader.getFooter().getFileMetaData().getSchema();
        this.metadata = Map.copyOf(reader.getFooter().getFileMetaData().getKeyValueMetaData());
        List<Column> cs = new ArrayList<>();
        for (ColumnDescriptor d : schema.getColumns()) {
            PrimitiveType p = d.getPrimitiveType();
            boolean optional = d.getMaxDefinitionLevel() > 0;
            ColumnType type;
            switch (p.getPrimitiveTypeName()) {
                case BINARY:
                    type = ColumnType.STRING;
                    break;
                case INT64:
                case INT32:
                    type = p.getLogicalTypeAnnotation() instanceof LogicalTypeAnnotation.TimestampLogicalTypeAnnotation
                            ? ColumnType.TIMESTAMP : ColumnType.LONG;
                    break;
                default:
                    type = ColumnType.DOUBLE;
                    break;
            }
            cs.add(new Column(d.getPath()[d.getPath().length - 1], type, optional));
        }
        this.columns = List.copyOf(cs);
    }

    /**
     * @param file a Parquet file
     * @return a reader (close it)
     * @throws StorageException when the file cannot be opened or is not Parquet
     */
    public static ParquetTableReader open(Path file) {
        try {
            return new ParquetTableReader(file);
        } catch (IOException | RuntimeException e) {
            throw new StorageException("Cannot open Parquet file \"" + file + "\": " + e.getMessage(), e);
        }
    }

    /** @return the file's columns, in file order */
    public List<Column> columns() {
        return columns;
    }

    /** @return the footer's key-value metadata */
    public Map<String, String> metadata() {
        return metadata;
    }

    /** @return the number of rows in the file */
    public long rowCount() {
        return reader.getRecordCount();
    }

    /** @param names only these columns are decoded (others are skipped) @return this reader */
    public ParquetTableReader select(Set<String> names) {
        this.selected = Set.copyOf(names);
        return this;
    }

    /**
     * @return the next row group, or {@code null} after the last
     * @throws StorageException when the file cannot be read
     */
    public @Nullable RowGroup next() {
        try {
            PageReadStore pages = reader.readNextRowGroup();
            if (pages == null) {
                return null;
            }
            int rows = Math.toIntExact(pages.getRowCount());
            ColumnReadStoreImpl store = new ColumnReadStoreImpl(pages, new NoOpConverter(), schema,
                    reader.getFooter().getFileMetaData().getCreatedBy());
            Map<String, Object> decoded = new HashMap<>();
            for (ColumnDescriptor d : schema.getColumns()) {
                String name = d.getPath()[d.getPath().length - 1];
                if (selected != null && !selected.contains(name)) {
                    continue;
                }
                decoded.put(name, decode(store.getColumnReader(d), d, rows));
            }
            return new RowGroup(rows, decoded);
        } catch (IOException | RuntimeException e) {
            throw new StorageException("Cannot read Parquet file \"" + file + "\": " + e.getMessage(), e);
        }
    }

    private static Object decode(ColumnReader r, ColumnDescriptor d, int rows) {
        int max = d.getMaxDefinitionLevel();
        switch (d.getPrimitiveType().getPrimitiveTypeName()) {
            case BINARY: {
                String[] out = new String[rows];
                Binary previous = null;
                String previousText = null;
                for (int i = 0; i < rows; i++) {
                    if (r.getCurrentDefinitionLevel() == max) {
                        Binary b = r.getBinary();
                        // Instance columns repeat in runs: reuse the string instead of decoding it again.
                        if (!b.equals(previous)) {
                            previous = b.copy();
                            previousText = b.toStringUsingUTF8();
                        }
                        out[i] = previousText;
                    }
                    r.consume();
                }
                return out;
            }
            case INT64: {
                long[] out = new long[rows];
                for (int i = 0; i < rows; i++) {
                    out[i] = r.getCurrentDefinitionLevel() == max ? r.getLong() : Long.MIN_VALUE;
                    r.consume();
                }
                return out;
            }
            case INT32: {
                long[] out = new long[rows];
                for (int i = 0; i < rows; i++) {
                    out[i] = r.getCurrentDefinitionLevel() == max ? r.getInteger() : Long.MIN_VALUE;
                    r.consume();
                }
                return out;
            }
            case FLOAT: {
                double[] out = new double[rows];
                for (int i = 0; i < rows; i++) {
                    out[i] = r.getCurrentDefinitionLevel() == max ? r.getFloat() : Double.NaN;
                    r.consume();
                }
                return out;
            }
            case DOUBLE: {
                double[] out = new double[rows];
                for (int i = 0; i < rows; i++) {
                    out[i] = r.getCurrentDefinitionLevel() == max ? r.getDouble() : Double.NaN;
                    r.consume();
                }
                return out;
            }
            default: {
                String[] out = new String[rows];
                for (int i = 0; i < rows; i++) {
                    r.consume();
                }
                return out;
            }
        }
    }

    @Override
    public void close() {
        try {
            reader.close();
        } catch (IOException e) {
            throw new StorageException("Cannot close Parquet file \"" + file + "\": " + e.getMessage(), e);
        }
    }
}
