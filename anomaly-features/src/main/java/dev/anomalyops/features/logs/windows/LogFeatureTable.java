package dev.anomalyops.features.logs.windows;

import dev.anomalyops.core.FeatureSchema;
import dev.anomalyops.core.scoring.FeatureBatch;
import java.io.IOException;
import java.io.Writer;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Log feature rows in memory, with their schema: convert them to a {@link FeatureBatch} for a model, or write
 * them as CSV. A Parquet writer takes the same three parts per row: key, window start and end, and the float
 * values in schema order. Immutable.
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
