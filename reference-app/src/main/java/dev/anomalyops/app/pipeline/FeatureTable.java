package dev.anomalyops.app.pipeline;

import dev.anomalyops.core.InputException;
import dev.anomalyops.core.FeatureSchema;
import dev.anomalyops.core.scoring.FeatureBatch;
import dev.anomalyops.features.metrics.FeatureFrame;
import dev.anomalyops.features.parquet.Column;
import dev.anomalyops.features.parquet.ParquetTableReader;
import dev.anomalyops.features.parquet.ParquetTableWriter;
import dev.anomalyops.features.parquet.RowGroup;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Feature rows in memory, as the steps pass them on: instance, timestamp, the features (row-major float32, the
 * layout a {@link FeatureBatch} wraps) and, for labelled data, a 0/1 label per row. Stored as Parquet with one
 * float64 column per feature.
 *
 * @param schema the feature layout
 * @param instances instance per row
 * @param timestamps epoch milliseconds per row
 * @param values row-major values
 * @param labels label per row, or null when unlabelled
 */
public record FeatureTable(FeatureSchema schema, String[] instances, long[] timestamps, float[] values,
        int @Nullable [] labels) {
    /** Checks the lengths agree. */
    public FeatureTable {
        if (timestamps.length != instances.length || values.length != instances.length * schema.size()
                || (labels != null && labels.length != instances.length)) {
            throw new IllegalArgumentException("Expected " + instances.length + " rows of " + schema.size()
                    + " features but the arrays disagree");
        }
    }

    /** @return the number of rows */
    public int rows() {
        return instances.length;
    }

    /** @return the rows as a batch (sharing the values) */
    public FeatureBatch batch() {
        return FeatureBatch.wrap(schema, values, rows());
    }

    /**
     * @param frame computed features
     * @param labelAt label by timestamp (for one instance), or null when unlabelled
     * @return the table
     */
    public static FeatureTable of(FeatureFrame frame, java.util.function.@Nullable ToIntFunction<Long> labelAt) {
        int rows = frame.rows();
        int width = frame.schema().size();
        String[] instances = new String[rows];
        long[] timestamps = new long[rows];
        float[] values = new float[rows * width];
        int[] labels = labelAt == null ? null : new int[rows];
        for (int r = 0; r < rows; r++) {
            instances[r] = frame.instance(r);
            timestamps[r] = frame.timestamp(r);
            System.arraycopy(frame.row(r), 0, values, r * width, width);
            if (labels != null) {
                labels[r] = labelAt.applyAsInt(timestamps[r]);
            }
        }
        return new FeatureTable(frame.schema(), instances, timestamps, values, labels);
    }

    /**
     * @param tables tables with the same schema
     * @return their rows, in order
     */
    public static FeatureTable concat(List<FeatureTable> tables) {
        FeatureSchema schema = tables.get(0).schema();
        int rows = tables.stream().mapToInt(FeatureTable::rows).sum();
        boolean labelled = tables.stream().allMatch(t -> t.labels() != null);
        String[] instances = new String[rows];
        long[] timestamps = new long[rows];
        float[] values = new float[rows * schema.size()];
        int[] labels = labelled ? new int[rows] : null;
        int at = 0;
        for (FeatureTable t : tables) {
            schema.requireSameLayout(t.schema());
            System.arraycopy(t.instances(), 0, instances, at, t.rows());
            System.arraycopy(t.timestamps(), 0, timestamps, at, t.rows());
            System.arraycopy(t.values(), 0, values, at * schema.size(), t.values().length);
            if (labels != null) {
                System.arraycopy(t.labels(), 0, labels, at, t.rows());
            }
            at += t.rows();
        }
        return new FeatureTable(schema, instances, timestamps, values, labels);
    }

    /**
     * @param first first row
     * @param end one past the last row
     * @return the rows in between (copied)
     */
    public FeatureTable slice(int first, int end) {
        int width = schema.size();
        return new FeatureTable(schema, Arrays.copyOfRange(instances, first, end),
                Arrays.copyOfRange(timestamps, first, end), Arrays.copyOfRange(values, first * width, end * width),
                labels == null ? null : Arrays.copyOfRange(labels, first, end));
    }

    /** @param file the Parquet file to write (replaced) */
    public void write(Path file) {
        List<Column> columns = new ArrayList<>();
        columns.add(Column.string("instance"));
        columns.add(Column.timestamp("timestamp"));
        for (String name : schema.names()) {
            columns.add(Column.float64(name));
        }
        if (labels != null) {
            columns.add(Column.int64(Ingest.LABEL));
        }
        int width = schema.size();
        try (ParquetTableWriter writer = ParquetTableWriter.create(Workspace.prepare(file), columns,
                Map.of("anomalyops.schema", schema.fingerprint()))) {
            Object[] row = new Object[columns.size()];
            for (int r = 0; r < rows(); r++) {
                row[0] = instances[r];
                row[1] = timestamps[r];
                for (int f = 0; f < width; f++) {
                    row[2 + f] = (double) values[r * width + f];
                }
                if (labels != null) {
                    row[2 + width] = (long) labels[r];
                }
                writer.row(row);
            }
        }
    }

    /**
     * @param file a file {@link #write} wrote
     * @param schema the features to read, in this order
     * @return the rows
     * @throws InputException when a feature column is missing
     */
    public static FeatureTable read(Path file, FeatureSchema schema) {
        try (ParquetTableReader reader = ParquetTableReader.open(file)) {
            List<String> present = reader.columns().stream().map(Column::name).toList();
            List<String> missing = schema.names().stream().filter(n -> !present.contains(n)).toList();
            if (!missing.isEmpty()) {
                throw new InputException("Feature file \"" + file + "\" lacks the feature columns " + missing
                        + "; was it written with another feature spec?");
            }
            boolean labelled = present.contains(Ingest.LABEL);
            int rows = (int) reader.rowCount();
            int width = schema.size();
            String[] instances = new String[rows];
            long[] timestamps = new long[rows];
            float[] values = new float[rows * width];
            int[] labels = labelled ? new int[rows] : null;
            int at = 0;
            RowGroup group;
            while ((group = reader.next()) != null) {
                int n = group.rows();
                System.arraycopy(group.strings("instance"), 0, instances, at, n);
                System.arraycopy(group.longs("timestamp"), 0, timestamps, at, n);
                for (int f = 0; f < width; f++) {
                    double[] column = group.doubles(schema.names().get(f));
                    for (int r = 0; r < n; r++) {
                        values[(at + r) * width + f] = (float) column[r];
                    }
                }
                if (labels != null) {
                    long[] l = group.longs(Ingest.LABEL);
                    for (int r = 0; r < n; r++) {
                        labels[at + r] = (int) l[r];
                    }
                }
                at += n;
            }
            return new FeatureTable(schema, instances, timestamps, values, labels);
        }
    }
}
