package dev.anomalyops.features.validation;

import dev.anomalyops.core.ConfigurationException;
import dev.anomalyops.core.FeatureSchema;
import dev.anomalyops.core.InputException;
import dev.anomalyops.core.NonFinitePolicy;
import dev.anomalyops.core.StorageException;
import dev.anomalyops.features.metrics.CsvMetrics;
import dev.anomalyops.features.metrics.DuplicatePolicy;
import dev.anomalyops.features.metrics.FeatureFrame;
import dev.anomalyops.features.metrics.FeatureSpec;
import dev.anomalyops.features.metrics.MetricFrame;
import dev.anomalyops.features.metrics.MetricSpec;
import dev.anomalyops.features.parquet.Column;
import dev.anomalyops.features.parquet.ColumnType;
import dev.anomalyops.features.parquet.ParquetTableReader;
import dev.anomalyops.features.parquet.RowGroup;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.zip.GZIPInputStream;

/**
 * Checks metric rows against a {@link FeatureSpec} before features are computed, and routes every failing row,
 * with one reason per broken {@link Rule}, to a {@link QuarantineSink}; valid rows go to a {@link ValidRows}. Nothing
 * is dropped: each run returns a {@link ValidationReport} with {@code rowsIn = valid + quarantined}.
 *
 * <p>Rules: required columns present; cells of the right type; NaN and infinities per metric
 * {@link NonFinitePolicy} (default {@link NonFinitePolicy#MISSING_ALLOWED}: NaN is a missing value, an infinity is
 * rejected); values inside {@link ValueRanges} when given; per instance, timestamps not earlier than the previous
 * valid row ({@link Rule#OUT_OF_ORDER}) and not equal to it when the spec rejects duplicates. The order rules use
 * the same definitions as the feature executions, so validated rows are exactly the rows they accept.
 *
 * <pre>{@code
 * DataValidator validator = DataValidator.builder(spec).ranges(ValueRanges.learn(training, 0.5)).build();
 * MetricFrame valid = new MetricFrame(spec.metricNames(), 1024);
 * try (ParquetQuarantine quarantine = ParquetQuarantine.toStorage(spec, storage, "quarantine/run-1.parquet")) {
 *     ValidationReport report = validator.validateCsv(csv, ValidRows.into(valid), quarantine);
 * }
 * }</pre>
 *
 * A validator holds no state between runs and may be shared; each run keeps its own per-instance timestamps.
 */
public final class DataValidator {
    private final FeatureSpec spec;
    private final List<String> metrics;
    private final NonFinitePolicy[] nonFinite;
    private final double[][] ranges;
    private final int maxExamples;

    private DataValidator(Builder b) {
        this.spec = b.spec;
        this.metrics = spec.metricNames();
        this.nonFinite = new NonFinitePolicy[metrics.size()];
        this.ranges = new double[metrics.size()][];
        for (int m = 0; m < metrics.size(); m++) {
            nonFinite[m] = b.nonFinite.getOrDefault(metrics.get(m), NonFinitePolicy.MISSING_ALLOWED);
            if (b.ranges != null) {
                ranges[m] = b.ranges.range(metrics.get(m)).orElse(null);
            }
        }
        this.maxExamples = b.maxExamples;
    }

    /** @param spec the spec rows must fit @return a builder */
    public static Builder builder(FeatureSpec spec) {
        return new Builder(spec);
    }

    /**
     * Validates a CSV file with a header row (gzip when it ends in {@code .gz}).
     *
     * @param csv the file
     * @param valid receives valid rows
     * @param quarantine receives failing rows
     * @return the report
     * @throws StorageException when the file cannot be read
     */
    public ValidationReport validateCsv(Path csv, ValidRows valid, QuarantineSink quarantine) {
        Run run = new Run(csv.toString(), valid, quarantine);
        try (InputStream raw = Files.newInputStream(csv);
             BufferedReader reader = new BufferedReader(new InputStreamReader(csv.toString().endsWith(".gz")
                     ? new GZIPInputStream(raw) : raw, StandardCharsets.UTF_8), 1 << 16)) {
            String header = reader.readLine();
            if (header == null) {
                return run.report();
            }
            Map<String, Integer> columns = new HashMap<>();
            String[] names = header.split(",", -1);
            for (int i = 0; i < names.length; i++) {
                columns.put(names[i].trim(), i);
            }
            int instanceAt = columns.getOrDefault(spec.instanceColumn(), -1);
            int timestampAt = columns.getOrDefault(spec.timestampColumn(), -1);
            int[] metricAt = new int[metrics.size()];
            for (int m = 0; m < metricAt.length; m++) {
                metricAt[m] = columns.getOrDefault(metrics.get(m), -1);
            }
            List<String> missing = missingColumns(instanceAt >= 0, timestampAt >= 0, metricAt);
            String line;
            String[] cells = new String[metrics.size()];
            double[] values = new double[metrics.size()];
            long row = 0;
            while ((line = reader.readLine()) != null) {
                if (line.isEmpty()) {
                    continue;
                }
                String[] parts = line.split(",", -1);
                run.begin(missing);
                String instance = instanceAt >= 0 && instanceAt < parts.length ? parts[instanceAt].trim() : "";
                String tsText = timestampAt >= 0 && timestampAt < parts.length ? parts[timestampAt].trim() : "";
                long ts = Long.MIN_VALUE;
                if (timestampAt >= 0) {
                    try {
                        ts = CsvMetrics.parseTimestamp(tsText, spec.zone(), csv, row + 2);
                    } catch (InputException | NumberFormatException e) {
                        run.violate(Rule.TYPE, "Timestamp \"" + tsText + "\" is not epoch milliseconds or an ISO-8601 date-time");
                    }
                }
                for (int m = 0; m < metricAt.length; m++) {
                    String c = metricAt[m] >= 0 && metricAt[m] < parts.length ? parts[metricAt[m]].trim() : "";
                    cells[m] = c;
                    values[m] = Double.NaN;
                    if (!c.isEmpty()) {
                        try {
                            values[m] = Double.parseDouble(c);
                        } catch (NumberFormatException e) {
                            run.violate(Rule.TYPE, "Metric \"" + metrics.get(m) + "\" is not a number: \"" + c + "\"");
                            values[m] = Double.NaN; // not checked further; the row is quarantined anyway
                        }
                    }
                }
                run.check(row++, instance, tsText, ts, values, cells);
            }
        } catch (IOException e) {
            throw new StorageException("Cannot read CSV file \"" + csv + "\": " + e.getMessage(), e);
        }
        return run.report();
    }

    /**
     * Validates Parquet files, read in order as one dataset.
     *
     * @param files the files
     * @param valid receives valid rows
     * @param quarantine receives failing rows
     * @return the report over all files
     */
    public ValidationReport validateParquet(List<Path> files, ValidRows valid, QuarantineSink quarantine) {
        Run run = new Run(files.size() == 1 ? files.get(0).toString() : files.size() + " files", valid, quarantine);
        long row = 0;
        for (Path file : files) {
            run.source = file.toString();
            try (ParquetTableReader reader = ParquetTableReader.open(file)) {
                Map<String, ColumnType> types = new HashMap<>();
                for (Column c : reader.columns()) {
                    types.put(c.name(), c.type());
                }
                boolean hasInstance = types.get(spec.instanceColumn()) == ColumnType.STRING;
                ColumnType tsType = types.get(spec.timestampColumn());
                boolean hasTimestamp = tsType == ColumnType.TIMESTAMP || tsType == ColumnType.LONG;
                int[] present = new int[metrics.size()];
                List<String> typeProblems = new ArrayList<>();
                for (int m = 0; m < metrics.size(); m++) {
                    ColumnType t = types.get(metrics.get(m));
                    present[m] = t == null ? -1 : 0;
                    if (t == ColumnType.STRING) {
                        typeProblems.add("Metric column \"" + metrics.get(m) + "\" holds strings, not numbers");
                    }
                }
                if (types.containsKey(spec.instanceColumn()) && !hasInstance) {
                    typeProblems.add("Column \"" + spec.instanceColumn() + "\" is not a string column");
                }
                if (tsType != null && !hasTimestamp) {
                    typeProblems.add("Column \"" + spec.timestampColumn() + "\" is not a timestamp or integer column");
                }
                List<String> missing = missingColumns(types.containsKey(spec.instanceColumn()),
                        types.containsKey(spec.timestampColumn()), present);
                String[] cells = new String[metrics.size()];
                double[] values = new double[metrics.size()];
                RowGroup group;
                while ((group = reader.next()) != null) {
                    String[] instances = hasInstance ? group.strings(spec.instanceColumn()) : null;
                    long[] timestamps = hasTimestamp ? group.longs(spec.timestampColumn()) : null;
                    double[][] columns = new double[metrics.size()][];
                    for (int m = 0; m < metrics.size(); m++) {
                        columns[m] = group.doubles(metrics.get(m));
                    }
                    for (int r = 0; r < group.rows(); r++) {
                        run.begin(missing);
                        typeProblems.forEach(p -> run.violate(Rule.TYPE, p));
                        String instance = instances != null && instances[r] != null ? instances[r] : "";
                        long ts = timestamps != null ? timestamps[r] : Long.MIN_VALUE;
                        if (timestamps != null && ts == Long.MIN_VALUE) {
                            run.violate(Rule.TYPE, "Timestamp is null");
                        }
                        for (int m = 0; m < metrics.size(); m++) {
                            values[m] = columns[m] == null ? Double.NaN : columns[m][r];
                            cells[m] = Double.isNaN(values[m]) ? "" : Double.toString(values[m]);
                        }
                        run.check(row++, instance, ts == Long.MIN_VALUE ? "" : Instant.ofEpochMilli(ts).toString(), ts,
                                values, cells);
                    }
                }
            }
        }
        return run.report();
    }

    /**
     * Validates typed rows in memory (type and column rules cannot fail here).
     *
     * @param frame the rows, with the spec's metrics in order
     * @param source a name for the quarantine's source column
     * @param valid receives valid rows
     * @param quarantine receives failing rows
     * @return the report
     */
    public ValidationReport validate(MetricFrame frame, String source, ValidRows valid, QuarantineSink quarantine) {
        if (!frame.metrics().equals(metrics)) {
            throw new InputException("The frame's metrics " + frame.metrics() + " differ from the spec's " + metrics);
        }
        Run run = new Run(source, valid, quarantine);
        double[] values = new double[metrics.size()];
        String[] cells = new String[metrics.size()];
        for (int r = 0; r < frame.rows(); r++) {
            run.begin(List.of());
            for (int m = 0; m < values.length; m++) {
                values[m] = frame.value(r, m);
                cells[m] = Double.isNaN(values[m]) ? "" : Double.toString(values[m]);
            }
            String instance = frame.instance(r);
            run.check(r, instance, Instant.ofEpochMilli(frame.timestamp(r)).toString(), frame.timestamp(r), values, cells);
        }
        return run.report();
    }

    /**
     * Validates computed feature rows against the spec's {@link FeatureSchema} (each feature's non-finite policy).
     *
     * @param features the rows
     * @param source a name for the quarantine's source column
     * @param quarantine receives failing rows (the metric cells are left empty; the reason names the features)
     * @return the report (valid rows stay in the frame; use the report or the quarantine to drop them)
     */
    public ValidationReport validateFeatures(FeatureFrame features, String source, QuarantineSink quarantine) {
        FeatureSchema schema = features.schema();
        Run run = new Run(source, (i, t, v) -> {}, quarantine);
        List<String> empty = new ArrayList<>();
        for (int m = 0; m < metrics.size(); m++) {
            empty.add("");
        }
        String[] cells = empty.toArray(new String[0]);
        for (int r = 0; r < features.rows(); r++) {
            run.begin(List.of());
            for (String problem : schema.problems(features.row(r), 0)) {
                run.violate(Rule.FEATURE_SCHEMA, problem);
            }
            run.finish(r, features.instance(r), Instant.ofEpochMilli(features.timestamp(r)).toString(), cells, null, 0);
        }
        return run.report();
    }

    private List<String> missingColumns(boolean instance, boolean timestamp, int[] metricAt) {
        List<String> missing = new ArrayList<>();
        if (!instance) {
            missing.add("Column \"" + spec.instanceColumn() + "\" is missing");
        }
        if (!timestamp) {
            missing.add("Column \"" + spec.timestampColumn() + "\" is missing");
        }
        for (int m = 0; m < metricAt.length; m++) {
            MetricSpec ms = spec.metrics().get(m);
            if (metricAt[m] < 0 && ms.required()) {
                missing.add("Required metric column \"" + ms.name() + "\" is missing");
            }
        }
        return missing;
    }

    /** The state of one validation run. */
    private final class Run {
        String source;
        private final ValidRows valid;
        private final QuarantineSink quarantine;
        private final Map<String, Long> last = new HashMap<>();
        private final EnumMap<Rule, Long> violations = new EnumMap<>(Rule.class);
        private final EnumMap<Rule, List<String>> examples = new EnumMap<>(Rule.class);
        private final List<Rule> rules = new ArrayList<>();
        private final List<String> reasons = new ArrayList<>();
        private long rowsIn;
        private long validRows;
        private long quarantined;

        Run(String source, ValidRows valid, QuarantineSink quarantine) {
            this.source = source;
            this.valid = Objects.requireNonNull(valid, "valid");
            this.quarantine = Objects.requireNonNull(quarantine, "quarantine");
        }

        void begin(List<String> missingColumns) {
            rules.clear();
            reasons.clear();
            for (String m : missingColumns) {
                violate(Rule.MISSING_COLUMN, m);
            }
        }

        void violate(Rule rule, String reason) {
            rules.add(rule);
            reasons.add(reason);
            violations.merge(rule, 1L, Long::sum);
            List<String> ex = examples.computeIfAbsent(rule, k -> new ArrayList<>());
            if (ex.size() < maxExamples) {
                ex.add("row " + rowsIn + ": " + reason);
            }
        }

        void check(long row, String instance, String tsText, long ts, double[] values, String[] cells) {
            if (instance.isBlank()) {
                violate(Rule.TYPE, "Instance \"" + spec.instanceColumn() + "\" is blank");
            }
            for (int m = 0; m < values.length; m++) {
                double v = values[m];
                if (Double.isNaN(v)) {
                    if (nonFinite[m] == NonFinitePolicy.REJECT && !rules.contains(Rule.TYPE)) {
                        violate(Rule.NON_FINITE, "Metric \"" + metrics.get(m) + "\" is missing but does not allow missing values");
                    }
                } else if (Double.isInfinite(v)) {
                    if (nonFinite[m] != NonFinitePolicy.PASS_THROUGH) {
                        violate(Rule.NON_FINITE, "Metric \"" + metrics.get(m) + "\" is " + (v > 0 ? "+" : "-")
                                + "Infinity but only finite numbers are accepted");
                    }
                } else if (ranges[m] != null && (v < ranges[m][0] || v > ranges[m][1])) {
                    violate(Rule.OUT_OF_RANGE, "Metric \"" + metrics.get(m) + "\" = " + v + " is outside [" + ranges[m][0]
                            + ", " + ranges[m][1] + "] learnt from training data");
                }
            }
            if (ts != Long.MIN_VALUE && !instance.isBlank()) {
                Long previous = last.get(instance);
                if (previous != null && ts < previous) {
                    violate(Rule.OUT_OF_ORDER, "Timestamp " + tsText + " is earlier than instance \"" + instance
                            + "\"'s previous row at " + Instant.ofEpochMilli(previous));
                } else if (previous != null && ts == previous && spec.duplicates() == DuplicatePolicy.REJECT) {
                    violate(Rule.DUPLICATE, "Instance \"" + instance + "\" already has a row at " + tsText);
                }
            }
            finish(row, instance, tsText, cells, values, ts);
        }

        void finish(long row, String instance, String tsText, String[] cells, double[] values, long ts) {
            rowsIn++;
            if (rules.isEmpty()) {
                validRows++;
                if (values != null) {
                    last.put(instance, ts);
                    valid.accept(instance, ts, values);
                }
            } else {
                quarantined++;
                quarantine.accept(new QuarantinedRow(source, row, instance, tsText, List.of(cells), rules, reasons));
            }
        }

        ValidationReport report() {
            return new ValidationReport(rowsIn, validRows, quarantined, violations, Map.copyOf(examples));
        }
    }

    /** Settings of a validator. */
    public static final class Builder {
        private final FeatureSpec spec;
        private ValueRanges ranges;
        private final Map<String, NonFinitePolicy> nonFinite = new HashMap<>();
        private int maxExamples = 5;

        private Builder(FeatureSpec spec) {
            this.spec = Objects.requireNonNull(spec, "spec");
        }

        /** @param learnt ranges learnt from training data @return this builder */
        public Builder ranges(ValueRanges learnt) {
            this.ranges = Objects.requireNonNull(learnt, "ranges");
            return this;
        }

        /**
         * @param metric a spec metric
         * @param policy what it accepts besides finite numbers
         * @return this builder
         */
        public Builder nonFinite(String metric, NonFinitePolicy policy) {
            nonFinite.put(metric, Objects.requireNonNull(policy, "policy"));
            return this;
        }

        /** @param count example reasons kept per rule @return this builder */
        public Builder maxExamples(int count) {
            this.maxExamples = count;
            return this;
        }

        /**
         * @return the validator
         * @throws ConfigurationException listing unknown metrics and bad settings
         */
        public DataValidator build() {
            List<String> problems = new ArrayList<>();
            for (String m : nonFinite.keySet()) {
                if (!spec.metricNames().contains(m)) {
                    problems.add("Non-finite policy names metric \"" + m + "\", which the spec does not list");
                }
            }
            if (maxExamples < 0) {
                problems.add("maxExamples must be >= 0 but was " + maxExamples);
            }
            if (!problems.isEmpty()) {
                throw new ConfigurationException(problems);
            }
            return new DataValidator(this);
        }
    }
}
