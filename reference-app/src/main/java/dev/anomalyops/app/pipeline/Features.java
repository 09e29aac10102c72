package dev.anomalyops.app.pipeline;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.anomalyops.core.InputException;
import dev.anomalyops.core.StorageException;
import dev.anomalyops.features.metrics.BatchFeatures;
import dev.anomalyops.features.metrics.FeatureFrame;
import dev.anomalyops.features.metrics.FeatureSpec;
import dev.anomalyops.features.metrics.MetricFrame;
import dev.anomalyops.features.metrics.MetricSource;
import dev.anomalyops.features.metrics.Stat;
import dev.anomalyops.features.metrics.Window;
import dev.anomalyops.features.parquet.Column;
import dev.anomalyops.features.parquet.ColumnType;
import dev.anomalyops.features.parquet.ParquetMetrics;
import dev.anomalyops.features.parquet.ParquetTableReader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The features step: computes the feature spec's rows from the validated metrics with {@link BatchFeatures} (the
 * same kernel online scoring uses) and writes them to {@code features/}, labels kept for the test split.
 */
public final class Features {
    private Features() {}

    /**
     * @param tables feature rows per split and machine ({@code train/machine-1-2})
     * @param spec the spec they were computed with
     * @param rejected samples the execution rejected (duplicates, late), counted per file
     */
    public record Result(Map<String, FeatureTable> tables, FeatureSpec spec, Map<String, Long> rejected) {
        /**
         * @param split train or test
         * @return the rows of every machine of the split, in machine order
         */
        public FeatureTable split(String split) {
            List<FeatureTable> parts = new ArrayList<>();
            tables.forEach((name, table) -> {
                if (name.startsWith(split + "/")) {
                    parts.add(table);
                }
            });
            return FeatureTable.concat(parts);
        }

        /** @return a JSON summary */
        public ObjectNode toJson() {
            ObjectNode node = JsonNodeFactory.instance.objectNode();
            node.put("spec", spec.name());
            node.put("features", spec.schema().size());
            node.put("schemaFingerprint", spec.schema().fingerprint());
            ObjectNode rows = node.putObject("rows");
            tables.forEach((name, t) -> rows.put(name, t.rows()));
            rejected.forEach(node.putObject("rejected")::put);
            return node;
        }
    }

    /**
     * The feature spec: the file {@code features.spec} names, or the default built from the configuration.
     *
     * @param config the configuration
     * @param metrics the metric columns of the data
     * @return the spec
     */
    public static FeatureSpec spec(PipelineConfig config, List<String> metrics) {
        if (!config.features().spec().isEmpty()) {
            return FeatureSpec.read(Path.of(config.features().spec()));
        }
        Stat[] stats = config.features().stats().stream().map(s -> Stat.valueOf(s.toUpperCase(Locale.ROOT)))
                .toArray(Stat[]::new);
        FeatureSpec.Builder builder = FeatureSpec.builder(config.model()).metrics(metrics.toArray(String[]::new))
                .raw(true);
        for (int window : config.features().windows()) {
            builder.window(Window.ofSamples(window, stats));
        }
        builder.diffs(config.features().diffs().stream().mapToInt(Integer::intValue).toArray());
        return builder.build();
    }

    /**
     * @param file an ingested metrics file
     * @return its metric columns (every float column)
     */
    public static List<String> metricsOf(Path file) {
        try (ParquetTableReader reader = ParquetTableReader.open(file)) {
            List<String> metrics = reader.columns().stream().filter(c -> c.type() == ColumnType.DOUBLE)
                    .map(Column::name).toList();
            if (metrics.isEmpty()) {
                throw new InputException("\"" + file + "\" has no metric columns");
            }
            return metrics;
        }
    }

    /**
     * Runs the step on what {@link Validate} wrote.
     *
     * @param config the configuration
     * @param workspace the work directory
     * @param progress progress lines
     * @return the feature rows
     */
    public static Result run(PipelineConfig config, Workspace workspace, Progress progress) {
        Map<String, FeatureTable> tables = new LinkedHashMap<>();
        Map<String, Long> rejected = new LinkedHashMap<>();
        FeatureSpec spec = null;
        for (String machine : config.data().machines()) {
            for (String split : Workspace.SPLITS) {
                Path valid = workspace.valid(split, machine);
                if (spec == null) {
                    spec = spec(config, metricsOf(valid));
                }
                Map<Long, Long> labels = split.equals("test") ? Validate.labels(valid) : null;
                FeatureFrame frame = new FeatureFrame(spec.schema());
                long[] rejects = {0};
                BatchFeatures.Result r;
                try (MetricSource source = ParquetMetrics.open(spec, List.of(valid))) {
                    r = BatchFeatures.of(spec).run(source, frame, (row, instance, ts, outcome) -> rejects[0]++);
                } catch (Exception e) {
                    throw e instanceof RuntimeException re ? re : new StorageException("Cannot read \"" + valid
                            + "\": " + e.getMessage(), e);
                }
                FeatureTable table = FeatureTable.of(frame, labels == null ? null
                        : ts -> labels.getOrDefault(ts, 0L).intValue());
                Path out = workspace.features(split, machine);
                table.write(out);
                tables.put(split + "/" + machine, table);
                rejected.put(split + "/" + machine, rejects[0]);
                progress.line(String.format("  features  %-21s %,8d rows x %d features -> %s", split + "/" + machine,
                        r.rowsOut(), spec.schema().size(), workspace.root().relativize(out)));
            }
        }
        return new Result(tables, spec, rejected);
    }

    /**
     * Reads the validated metrics of one file into memory (the demo's drift step shifts them).
     *
     * @param spec the spec whose metrics to read
     * @param file a validated metrics file
     * @return the samples
     */
    public static MetricFrame readMetrics(FeatureSpec spec, Path file) {
        MetricFrame all = new MetricFrame(spec.metricNames(), 1024);
        try (MetricSource source = ParquetMetrics.open(spec, List.of(file))) {
            MetricFrame frame;
            double[] row = new double[spec.metricNames().size()];
            while ((frame = source.next()) != null) {
                for (int r = 0; r < frame.rows(); r++) {
                    for (int m = 0; m < row.length; m++) {
                        row[m] = frame.value(r, m);
                    }
                    all.add(frame.instance(r), frame.timestamp(r), row);
                }
            }
        } catch (Exception e) {
            throw e instanceof RuntimeException re ? re : new StorageException("Cannot read \"" + file + "\": "
                    + e.getMessage(), e);
        }
        return all;
    }
}
