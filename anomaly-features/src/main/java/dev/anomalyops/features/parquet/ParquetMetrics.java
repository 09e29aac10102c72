package dev.anomalyops.features.parquet;

import dev.anomalyops.core.InputException;
import dev.anomalyops.features.metrics.FeatureSpec;
import dev.anomalyops.features.metrics.MetricFrame;
import dev.anomalyops.features.metrics.MetricSource;
import dev.anomalyops.features.metrics.MetricSpec;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Metric samples in Parquet: columns {@code instance} (string), {@code timestamp} (timestamp, ms) and one optional
 * double per metric, with the names the {@link FeatureSpec} gives. Reading matches columns by name, which is the
 * schema-evolution rule: extra columns are ignored, a metric the file lacks reads as missing when the spec marks
 * it {@code required: false} (files written before the metric was collected) and fails with an
 * {@link InputException} otherwise. Integer and float columns are widened to double.
 */
public final class ParquetMetrics {
    private ParquetMetrics() {}

    /**
     * @param spec the spec whose columns to write
     * @return the columns of a metric file for that spec
     */
    public static List<Column> columns(FeatureSpec spec) {
        return columns(spec.instanceColumn(), spec.timestampColumn(), spec.metricNames());
    }

    /**
     * @param instance the instance column
     * @param timestamp the timestamp column
     * @param metrics the metric columns
     * @return the columns of a metric file
     */
    public static List<Column> columns(String instance, String timestamp, List<String> metrics) {
        List<Column> columns = new ArrayList<>();
        columns.add(Column.string(instance));
        columns.add(Column.timestamp(timestamp));
        for (String m : metrics) {
            columns.add(Column.float64(m));
        }
        return columns;
    }

    /**
     * Writes a frame as one file.
     *
     * @param frame the samples
     * @param target the file
     * @param instanceColumn name of the instance column
     * @param timestampColumn name of the timestamp column
     * @param metadata footer metadata
     */
    public static void write(MetricFrame frame, Path target, String instanceColumn, String timestampColumn,
            Map<String, String> metadata) {
        try (ParquetTableWriter w = ParquetTableWriter.create(target, columns(instanceColumn, timestampColumn,
                frame.metrics()), metadata)) {
            int m = frame.metrics().size();
            for (int r = 0; r < frame.rows(); r++) {
                Object[] row = new Object[2 + m];
                row[0] = frame.instance(r);
                row[1] = frame.timestamp(r);
                for (int i = 0; i < m; i++) {
                    row[2 + i] = frame.value(r, i);
                }
                w.row(row);
            }
        }
    }

    /**
     * Opens files as one source, read in the order given.
     *
     * @param spec the spec whose columns to read
     * @param files Parquet files
     * @return the source
     * @throws InputException when a file lacks the instance, timestamp or a required metric column
     */
    public static MetricSource open(FeatureSpec spec, List<Path> files) {
        return new Source(spec, files);
    }

    private static final class Source implements MetricSource {
        private final FeatureSpec spec;
        private final List<Path> files;
        private final List<String> metrics;
        private int nextFile;
        private @Nullable ParquetTableReader reader;
        private @Nullable MetricFrame frame;

        Source(FeatureSpec spec, List<Path> files) {
            this.spec = spec;
            this.files = List.copyOf(files);
            this.metrics = spec.metricNames();
        }

        @Override
        public List<String> metrics() {
            return metrics;
        }

        @Override
        public @Nullable MetricFrame next() {
            while (true) {
                if (reader == null) {
                    if (nextFile == files.size()) {
                        return null;
                    }
                    reader = openChecked(files.get(nextFile++));
                }
                RowGroup group = reader.next();
                if (group == null) {
                    reader.close();
                    reader = null;
                    continue;
                }
                return convert(group);
            }
        }

        private ParquetTableReader openChecked(Path file) {
            ParquetTableReader r = ParquetTableReader.open(file);
            Set<String> names = new HashSet<>();
            r.columns().forEach(c -> names.add(c.name()));
            List<String> missing = new ArrayList<>();
            for (String c : List.of(spec.instanceColumn(), spec.timestampColumn())) {
                if (!names.contains(c)) {
                    missing.add(c);
                }
            }
            for (MetricSpec m : spec.metrics()) {
                if (m.required() && !names.contains(m.name())) {
                    missing.add(m.name());
                }
            }
            if (!missing.isEmpty()) {
                r.close();
                throw new InputException("Parquet file \"" + file + "\" lacks the required columns " + missing
                        + " (it has " + names + ")");
            }
            Set<String> wanted = new HashSet<>(metrics);
            wanted.add(spec.instanceColumn());
            wanted.add(spec.timestampColumn());
            return r.select(wanted);
        }

        private MetricFrame convert(RowGroup group) {
            int rows = group.rows();
            if (frame == null) {
                frame = new MetricFrame(metrics, rows);
            }
            frame.clear();
            String[] instances = group.strings(spec.instanceColumn());
            long[] timestamps = group.longs(spec.timestampColumn());
            if (instances == null || timestamps == null) {
                throw new InputException("Parquet columns \"" + spec.instanceColumn() + "\" and \"" + spec.timestampColumn()
                        + "\" must be a string and a timestamp");
            }
            double[][] columns = new double[metrics.size()][];
            for (int m = 0; m < metrics.size(); m++) {
                columns[m] = group.doubles(metrics.get(m));
                if (columns[m] == null && group.has(metrics.get(m))) {
                    throw new InputException("Parquet column \"" + metrics.get(m) + "\" is not numeric");
                }
            }
            int width = metrics.size();
            for (int r = 0; r < rows; r++) {
                int at = frame.appendRow(instances[r] == null ? "" : instances[r], timestamps[r]);
                double[] values = frame.valuesArray();
                for (int m = 0; m < width; m++) {
                    values[at * width + m] = columns[m] == null ? Double.NaN : columns[m][r];
                }
            }
            return frame;
        }

        @Override
        public void close() {
            if (reader != null) {
                reader.close();
                reader = null;
            }
        }
    }
}
