package dev.anomalyops.features.parquet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.anomalyops.core.InputException;
import dev.anomalyops.features.metrics.BatchFeatures;
import dev.anomalyops.features.metrics.FeatureFrame;
import dev.anomalyops.features.metrics.FeatureSpec;
import dev.anomalyops.features.metrics.MetricFrame;
import dev.anomalyops.features.metrics.MetricSource;
import dev.anomalyops.features.metrics.MetricSpec;
import dev.anomalyops.features.metrics.FillPolicy;
import dev.anomalyops.features.metrics.Stat;
import dev.anomalyops.features.metrics.Window;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Parquet round trips of metric samples and the schema-evolution rule (columns matched by name). */
class ParquetMetricsTest {
    @TempDir
    Path dir;

    private static FeatureSpec spec(boolean diskRequired) {
        return FeatureSpec.builder("pq").metrics("cpu").metric(new MetricSpec("disk", FillPolicy.NONE, diskRequired))
                .raw(true).window(Window.ofSamples(3, Stat.MEAN)).lags(1).build();
    }

    private static List<double[]> readAll(MetricSource source) throws Exception {
        List<double[]> rows = new ArrayList<>();
        MetricFrame f;
        while ((f = source.next()) != null) {
            for (int r = 0; r < f.rows(); r++) {
                rows.add(new double[] {f.timestamp(r), f.value(r, 0), f.value(r, 1)});
            }
        }
        return rows;
    }

    @Test
    void samplesRoundTripWithMissingValuesAsNulls() throws Exception {
        MetricFrame frame = new MetricFrame(List.of("cpu", "disk"), 4);
        frame.add("a", 1000, 0.5, Double.NaN);
        frame.add("a", 2000, Double.POSITIVE_INFINITY, 7);
        frame.add("b", 1000, -1e300, 3);
        Path file = dir.resolve("m.parquet");
        ParquetMetrics.write(frame, file, "instance", "timestamp", Map.of("spec", "pq"));
        try (ParquetTableReader r = ParquetTableReader.open(file)) {
            assertThat(r.columns()).extracting(Column::name).containsExactly("instance", "timestamp", "cpu", "disk");
            assertThat(r.columns().get(1).type()).isEqualTo(ColumnType.TIMESTAMP);
            assertThat(r.metadata()).containsEntry("spec", "pq");
            assertThat(r.rowCount()).isEqualTo(3);
        }
        try (MetricSource s = ParquetMetrics.open(spec(true), List.of(file))) {
            List<double[]> rows = readAll(s);
            assertThat(rows).hasSize(3);
            assertThat(rows.get(0)).containsExactly(1000, 0.5, Double.NaN);
            assertThat(rows.get(1)).containsExactly(2000, Double.POSITIVE_INFINITY, 7);
            assertThat(rows.get(2)).containsExactly(1000, -1e300, 3);
        }
    }

    @Test
    void anOldFileWithoutANewMetricColumnStillReads() throws Exception {
        Path old = dir.resolve("old.parquet");
        try (ParquetTableWriter w = ParquetTableWriter.create(old, List.of(Column.string("instance"),
                Column.timestamp("timestamp"), Column.int64("cpu"), Column.string("note")), Map.of())) {
            w.row("a", 1000L, 4L, "x");
            w.row("a", 2000L, 6L, "y");
        }
        MetricFrame newer = new MetricFrame(List.of("cpu", "disk"), 2);
        newer.add("a", 3000, 8, 1);
        Path fresh = dir.resolve("new.parquet");
        ParquetMetrics.write(newer, fresh, "instance", "timestamp", Map.of());

        FeatureFrame features = new FeatureFrame(spec(false).schema());
        try (MetricSource s = ParquetMetrics.open(spec(false), List.of(old, fresh))) {
            BatchFeatures.Result result = BatchFeatures.of(spec(false)).run(s, features, (n, i, t, o) -> {});
            assertThat(result.rowsOut()).isEqualTo(3);
        }
        // cpu (int64 in the old file) widened; disk missing in the old file, present in the new one.
        assertThat(features.row(2)).containsExactly(8f, 6f, 6f, 1f, 1f, Float.NaN);
        assertThat(features.row(0)[3]).isNaN();

        assertThatThrownBy(() -> ParquetMetrics.open(spec(true), List.of(old)).next())
                .isInstanceOf(InputException.class).hasMessageContaining("lacks the required columns [disk]");
    }
}
