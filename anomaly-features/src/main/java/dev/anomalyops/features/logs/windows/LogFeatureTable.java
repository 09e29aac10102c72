package dev.anomalyops.features.logs.windows;

import dev.anomalyops.core.FeatureSchema;
import dev.anomalyops.core.scoring.FeatureBatch;
import dev.anomalyops.features.parquet.Column;
import dev.anomalyops.features.parquet.ColumnType;
import dev.anomalyops.features.parquet.ParquetTableWriter;
import java.io.IOException;
import java.io.Writer;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Log feature rows in memory, with their schema: convert them to a {@link FeatureBatch} for a model, or write
 * them as CSV or Parquet (key, window start and end, then the values in schema order). Immutable.
 */
public final class LogFeatureTable {
    private final FeatureSchema schema;
    private final List<LogFeatureRow> rows;

    /**
     * @param schema the row layout
     * @param rows the rows, each as wide as the schema
     */
    public LogFeatureTable(FeatureSchema schema, List<LogFeatureRow> rows) {
        this.schema = Objects.requireNonNull(schema, "schema");
        this.rows = List.copyOf(rows);
        for (LogFeatureRow row : this.rows) {
            if (row.size() != schema.size()) {
                throw new IllegalArgumentException("Row \"" + row.key() + "\" has " + row.size()
                        + " values but the schema has " + schema.size() + " features");
            }
        }
    }

    /**
     * Collects every row an extractor emits.
     *
     * @param extractor the feature definition
     * @return a collector: pass {@link Collector#add} to {@link LogFeatureExtractor#aggregator}
     */
    public static Collector collector(LogFeatureExtractor extractor) {
        return new Collector(extractor.schema());
    }

    /** @return the row layout */
    public FeatureSchema schema() {
        return schema;
    }

    /** @return the rows, in emission order */
    public List<LogFeatureRow> rows() {
        return rows;
    }

    /** @return the number of rows */
    public int size() {
        return rows.size();
    }

    /** @return all rows as one batch (a new array) */
    public FeatureBatch toBatch() {
        float[] values = new float[Math.multiplyExact(rows.size(), schema.size())];
        for (int r = 0; r < rows.size(); r++) {
            rows.get(r).copyInto(values, r * schema.size());
        }
        return FeatureBatch.wrap(schema, values, rows.size());
    }

    /**
     * Writes a header ({@code key,window_start,window_end,} then the feature names) and one line per row; instants
     * in ISO 8601, empty when absent; NaN as an empty cell; keys quoted as RFC 4180 requires.
     *
     * @param out where to write; not closed
     * @throws IOException when writing fails
     */
    public void writeCsv(Writer out) throws IOException {
        StringBuilder line = new StringBuilder("key,window_start,window_end");
        for (String name : schema.names()) {
            line.append(',').append(quote(name));
        }
        out.write(line.append('\n').toString());
        for (LogFeatureRow row : rows) {
            line.setLength(0);
            line.append(quote(row.key())).append(',')
                    .append(row.start() == null ? "" : row.start().toString()).append(',')
                    .append(row.end() == null ? "" : row.end().toString());
            for (int i = 0; i < row.size(); i++) {
                float value = row.value(i);
                line.append(',');
                if (!Float.isNaN(value)) {
                    if (value == Math.rint(value) && Math.abs(value) < 1e7f) {
                        line.append((long) value);
                    } else {
                        line.append(value);
                    }
                }
            }
            out.write(line.append('\n').toString());
        }
        out.flush();
    }

    /**
     * Writes the rows as one Parquet file (replaced atomically when it exists): a required string column
     * {@code key}, optional timestamp columns {@code window_start} and {@code window_end} (milliseconds, UTC; absent
     * for sessions), then one optional double column per feature in schema order (NaN is written as null). The
     * footer holds {@code anomalyops.schema.fingerprint} and {@code anomalyops.features} (the names, comma-separated)
     * so a reader can check the layout before handing rows to a model.
     *
     * @param file the Parquet file
     * @throws dev.anomalyops.core.StorageException when the file cannot be written
     * @throws IllegalArgumentException when a feature is named {@code key}, {@code window_start} or {@code window_end}
     */
    public void writeParquet(Path file) {
        List<Column> columns = new ArrayList<>(schema.size() + 3);
        columns.add(Column.string("key"));
        columns.add(new Column("window_start", ColumnType.TIMESTAMP, true));
        columns.add(new Column("window_end", ColumnType.TIMESTAMP, true));
        for (String name : schema.names()) {
            if (name.equals("key") || name.equals("window_start") || name.equals("window_end")) {
                throw new IllegalArgumentException("Feature \"" + name + "\" clashes with a Parquet key column");
            }
            columns.add(Column.float64(name));
        }
        Map<String, String> metadata = new LinkedHashMap<>();
        metadata.put("anomalyops.schema.fingerprint", schema.fingerprint());
        metadata.put("anomalyops.features", String.join(",", schema.names()));
        try (ParquetTableWriter writer = ParquetTableWriter.create(file, columns, metadata)) {
            Object[] values = new Object[columns.size()];
            for (LogFeatureRow row : rows) {
                values[0] = row.key();
                values[1] = millis(row.start());
                values[2] = millis(row.end());
                for (int i = 0; i < row.size(); i++) {
                    values[3 + i] = (double) row.value(i);
                }
                writer.row(values);
            }
        }
    }

    private static @Nullable Long millis(@Nullable Instant instant) {
        return instant == null ? null : instant.toEpochMilli();
    }

    private static String quote(String text) {
        boolean quote = false;
        for (int i = 0; i < text.length() && !quote; i++) {
            char c = text.charAt(i);
            quote = c == ',' || c == '"' || c == '\n' || c == '\r';
        }
        return quote ? '"' + text.replace("\"", "\"\"") + '"' : text;
    }

    @Override
    public String toString() {
        return "LogFeatureTable[" + rows.size() + " rows, " + schema + "]";
    }

    /** Gathers rows as they are emitted. Not thread-safe. */
    public static final class Collector {
        private final FeatureSchema schema;
        private final List<LogFeatureRow> rows = new ArrayList<>();

        private Collector(FeatureSchema schema) {
            this.schema = schema;
        }

        /** @param row a row to keep */
        public void add(LogFeatureRow row) {
            rows.add(row);
        }

        /** @return the rows gathered so far, as a table */
        public LogFeatureTable table() {
            return new LogFeatureTable(schema, rows);
        }
    }
}
