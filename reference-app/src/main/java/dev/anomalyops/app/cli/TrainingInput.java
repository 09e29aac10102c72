package dev.anomalyops.app.cli;

import dev.anomalyops.core.FeatureSchema;
import dev.anomalyops.core.InputException;
import dev.anomalyops.core.scoring.FeatureBatch;
import dev.anomalyops.features.parquet.Column;
import dev.anomalyops.features.parquet.ColumnType;
import dev.anomalyops.features.parquet.ParquetTableReader;
import dev.anomalyops.features.parquet.RowGroup;
import dev.anomalyops.train.RowSource;
import dev.anomalyops.train.label.LabelStore;
import dev.anomalyops.train.label.TrainingSet;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine.Option;

/**
 * Rows for {@code train} and {@code evaluate}: CSV (as {@code label} reads it) or Parquet (every DOUBLE column is a
 * feature, in file order; {@code --id-column} names a STRING or INT64 id column), with labels from a label store.
 */
final class TrainingInput {
    @Option(names = "--input", required = true, paramLabel = "FILE",
            description = "Rows as CSV (optionally .gz; header, id column, features) or Parquet (.parquet; DOUBLE "
                    + "columns are features), in time order.")
    Path file;

    @Option(names = "--no-header", description = "CSV without header; every column is a feature (f0, f1, ...).")
    boolean noHeader;

    @Option(names = "--id-column", paramLabel = "COLUMN", description = "Column holding row ids (default: the row number).")
    String idColumn;

    @Option(names = "--context-column", paramLabel = "COLUMN",
            description = "CSV column that is not a feature (raw log line, host ...); repeatable.")
    List<String> contextColumns = new ArrayList<>();

    @Option(names = "--labels", required = true, paramLabel = "FILE", description = "The label store (labels.jsonl).")
    Path store;

    @Option(names = "--human-weight", defaultValue = "5.0", description = "Weight of a human label (default: ${DEFAULT-VALUE}).")
    double humanWeight;

    @Option(names = "--pseudo-weight", defaultValue = "1.0",
            description = "Weight of a pseudo-label, times its confidence (default: ${DEFAULT-VALUE}).")
    double pseudoWeight;

    boolean parquet() {
        return file.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".parquet");
    }

    /** @return the labelled rows in file order */
    TrainingSet trainingSet() {
        LabelStore labels = LabelStore.open(store);
        TrainingSet.Builder builder = TrainingSet.builder().labels(labels).humanWeight(humanWeight)
                .importedWeight(humanWeight).pseudoWeight(pseudoWeight);
        if (!parquet()) {
            LabelCommand.Input csv = new LabelCommand.Input();
            csv.file = file;
            csv.noHeader = noHeader;
            csv.idColumn = idColumn;
            csv.contextColumns = contextColumns;
            var rows = csv.open();
            List<String> ids = new ArrayList<>();
            rows.forEachRecord((row, id, features, context) -> ids.add(id));
            return builder.rows(rows, row -> ids.get((int) row)).build();
        }
        List<String> ids = new ArrayList<>();
        FeatureBatch batch = readParquet(ids);
        return builder.rows(RowSource.of(batch), row -> ids.get((int) row)).build();
    }

    private FeatureBatch readParquet(List<String> ids) {
        try (ParquetTableReader reader = ParquetTableReader.open(file)) {
            List<String> features = new ArrayList<>();
            for (Column column : reader.columns()) {
                if (column.type() == ColumnType.DOUBLE && !column.name().equals(idColumn)) {
                    features.add(column.name());
                }
            }
            if (features.isEmpty()) {
                throw new InputException("Parquet file \"" + file + "\" has no DOUBLE feature column");
            }
            FeatureSchema schema = FeatureSchema.of(features.toArray(String[]::new));
            int total = Math.toIntExact(reader.rowCount());
            float[] values = new float[total * features.size()];
            int row = 0;
            for (RowGroup group = reader.next(); group != null; group = reader.next()) {
                for (int f = 0; f < features.size(); f++) {
                    double[] column = group.doubles(features.get(f));
                    for (int r = 0; r < group.rows(); r++) {
                        values[(row + r) * features.size() + f] = column == null ? Float.NaN : (float) column[r];
                    }
                }
                String[] strings = idColumn == null ? null : group.strings(idColumn);
                long[] longs = idColumn == null || strings != null ? null : group.longs(idColumn);
                if (idColumn != null && strings == null && longs == null) {
                    throw new InputException("Parquet file \"" + file + "\" has no STRING or INT64 column \"" + idColumn + "\"");
                }
                for (int r = 0; r < group.rows(); r++) {
                    ids.add(strings != null ? strings[r] : longs != null ? Long.toString(longs[r])
                            : Integer.toString(row + r));
                }
                row += group.rows();
            }
            return FeatureBatch.wrap(schema, values, row);
        }
    }
}
