package dev.anomalyops.app.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.anomalyops.core.StorageException;
import dev.anomalyops.features.metrics.FeatureSpec;
import dev.anomalyops.features.parquet.ParquetMetrics;
import dev.anomalyops.features.parquet.ParquetTableReader;
import dev.anomalyops.features.parquet.ParquetTableWriter;
import dev.anomalyops.features.parquet.RowGroup;
import dev.anomalyops.features.validation.DataValidator;
import dev.anomalyops.features.validation.ParquetQuarantine;
import dev.anomalyops.features.validation.ValidationReport;
import dev.anomalyops.features.validation.ValueRanges;
import dev.anomalyops.features.metrics.MetricSource;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The validate step: learns each metric's value range on the training split (widened by
 * {@code validation.margin × max(span, validation.min-width)} on each side), checks every ingested row (types, non-finite values, ranges, order, duplicates),
 * writes the rows that pass to {@code valid/} (labels kept) and the others to {@code quarantine/} with the reason,
 * and the quarantine report to {@code validation.json}. Nothing is dropped silently: valid + quarantined = read.
 */
public final class Validate {
    private Validate() {}

    /**
     * @param reports report per split and machine ({@code test/machine-1-2})
     * @param reportFile the JSON report written
     */
    public record Result(Map<String, ValidationReport> reports, Path reportFile) {
        /** @return rows read over all files */
        public long rowsIn() {
            return reports.values().stream().mapToLong(ValidationReport::rowsIn).sum();
        }

        /** @return rows quarantined over all files */
        public long quarantined() {
            return reports.values().stream().mapToLong(ValidationReport::quarantined).sum();
        }

        /** @return a JSON summary (the same as the report file) */
        public ObjectNode toJson() {
            ObjectNode node = JsonNodeFactory.instance.objectNode();
            node.put("rowsIn", rowsIn());
            node.put("valid", rowsIn() - quarantined());
            node.put("quarantined", quarantined());
            ObjectNode files = node.putObject("files");
            reports.forEach((name, report) -> {
                try {
                    JsonNode parsed = PipelineJson.MAPPER.readTree(report.toJson());
                    files.set(name, parsed);
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            });
            node.put("report", reportFile.toString());
            return node;
        }
    }

    /**
     * Runs the step on what {@link Ingest} wrote.
     *
     * @param config the configuration
     * @param workspace the work directory
     * @param progress progress lines
     * @return the reports
     */
    public static Result run(PipelineConfig config, Workspace workspace, Progress progress) {
        Map<String, ValidationReport> reports = new LinkedHashMap<>();
        for (String machine : config.data().machines()) {
            Path train = workspace.lakeMetrics("train", machine);
            FeatureSpec spec = Features.spec(config, Features.metricsOf(train));
            ValueRanges ranges;
            try (MetricSource source = ParquetMetrics.open(spec, List.of(train))) {
                ranges = widen(ValueRanges.learn(source, 0), spec.metricNames(), config.validation());
            } catch (Exception e) {
                throw e instanceof RuntimeException r ? r : new StorageException("Cannot read \"" + train + "\": "
                        + e.getMessage(), e);
            }
            DataValidator validator = DataValidator.builder(spec).ranges(ranges).build();
            for (String split : Workspace.SPLITS) {
                Path lake = workspace.lakeMetrics(split, machine);
                Map<Long, Long> labels = split.equals("test") ? labels(lake) : null;
                Path valid = Workspace.prepare(workspace.valid(split, machine));
                Path quarantine = Workspace.prepare(workspace.quarantine(split, machine));
                ValidationReport report;
                try (ParquetTableWriter out = ParquetTableWriter.create(valid, labels == null
                        ? ParquetMetrics.columns(spec) : withLabel(spec), Map.of());
                        ParquetQuarantine sink = ParquetQuarantine.toFile(spec, quarantine)) {
                    int width = spec.metricNames().size();
                    Object[] row = new Object[2 + width + (labels == null ? 0 : 1)];
                    report = validator.validateParquet(List.of(lake), (instance, timestamp, values) -> {
                        row[0] = instance;
                        row[1] = timestamp;
                        for (int m = 0; m < width; m++) {
                            row[2 + m] = values[m];
                        }
                        if (labels != null) {
                            row[2 + width] = labels.getOrDefault(timestamp, 0L);
                        }
                        out.row(row);
                    }, sink);
                }
                reports.put(split + "/" + machine, report);
                progress.line(String.format("  validated %-21s %,8d rows: %,d valid, %,d quarantined%s",
                        split + "/" + machine, report.rowsIn(), report.valid(), report.quarantined(),
                        report.quarantined() > 0 ? " -> " + workspace.root().relativize(quarantine) : ""));
            }
        }
        Path file = workspace.validationReport();
        Result result = new Result(reports, file);
        try {
            Files.writeString(Workspace.prepare(file), PipelineJson.MAPPER
                    .writeValueAsString(result.toJson()) + "\n", StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new StorageException("Cannot write \"" + file + "\": " + e.getMessage(), e);
        }
        return result;
    }

    /**
     * Widens learnt ranges by {@code margin × max(span, minWidth)} on each side: a metric that was constant in
     * training (span 0, common in server metrics) would otherwise quarantine every later change, anomalies included.
     */
    static ValueRanges widen(ValueRanges learnt, List<String> metrics, PipelineConfig.Validation settings) {
        Map<String, double[]> widened = new LinkedHashMap<>();
        for (String metric : metrics) {
            learnt.range(metric).ifPresent(r -> {
                double pad = settings.margin() * Math.max(r[1] - r[0], settings.minWidth());
                widened.put(metric, new double[] {r[0] - pad, r[1] + pad});
            });
        }
        return ValueRanges.of(widened);
    }

    private static List<dev.anomalyops.features.parquet.Column> withLabel(FeatureSpec spec) {
        List<dev.anomalyops.features.parquet.Column> columns = new java.util.ArrayList<>(ParquetMetrics.columns(spec));
        columns.add(dev.anomalyops.features.parquet.Column.int64(Ingest.LABEL));
        return columns;
    }

    /** @return label by timestamp from an ingested test file */
    static Map<Long, Long> labels(Path lake) {
        Map<Long, Long> labels = new HashMap<>();
        try (ParquetTableReader reader = ParquetTableReader.open(lake).select(java.util.Set.of("timestamp",
                Ingest.LABEL))) {
            RowGroup group;
            while ((group = reader.next()) != null) {
                long[] ts = group.longs("timestamp");
                long[] l = group.longs(Ingest.LABEL);
                if (l == null) {
                    throw new dev.anomalyops.core.InputException("\"" + lake + "\" has no \"" + Ingest.LABEL
                            + "\" column");
                }
                for (int r = 0; r < group.rows(); r++) {
                    labels.put(ts[r], l[r]);
                }
            }
        }
        return labels;
    }
}
