package dev.anomalyops.features.validation;

import static org.assertj.core.api.Assertions.assertThat;

import dev.anomalyops.core.FeatureSchema;
import dev.anomalyops.core.NonFinitePolicy;
import dev.anomalyops.core.testing.SharedData;
import dev.anomalyops.features.metrics.BatchFeatures;
import dev.anomalyops.features.metrics.CsvMetrics;
import dev.anomalyops.features.metrics.FeatureFrame;
import dev.anomalyops.features.metrics.FeatureSpec;
import dev.anomalyops.features.metrics.MetricFrame;
import dev.anomalyops.features.metrics.Stat;
import dev.anomalyops.features.metrics.Window;
import dev.anomalyops.features.parquet.ParquetMetrics;
import dev.anomalyops.features.parquet.ParquetTableReader;
import dev.anomalyops.features.parquet.RowGroup;
import dev.anomalyops.features.parquet.Storage;
import dev.anomalyops.registry.s3.testing.S3ProxyServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The validator on real data (NAB ec2_cpu_utilization_24ae8d, ranges learnt on its first half) with one row per
 * kind of problem injected into the second half; the quarantine goes to a Parquet file and to S3 (s3proxy on
 * loopback). Rows in = valid + quarantined, and the valid rows are exactly what the feature executions accept.
 */
class DataValidatorTest {
    @TempDir
    Path dir;

    private static final FeatureSpec SPEC = FeatureSpec.builder("cpu").metrics("value").raw(true)
            .window(Window.ofSamples(12, Stat.MEAN, Stat.STD)).lags(1).build();

    private Path injectedCsv(List<String> lines, int from) throws Exception {
        List<String> out = new ArrayList<>();
        out.add("instance,timestamp,value");
        for (int i = from; i < lines.size(); i++) {
            String[] c = lines.get(i).split(",");
            out.add("ec2," + c[0] + "," + c[1]);
        }
        int base = 100;
        out.set(base, out.get(base).replaceAll(",[^,]*$", ",abc"));                 // type: not a number
        out.set(base + 10, out.get(base + 10).replaceAll(",[^,]*$", ",Infinity"));   // non-finite
        out.set(base + 20, out.get(base + 20).replaceAll(",[^,]*$", ",5000"));       // out of range (CPU %)
        out.set(base + 30, out.get(base + 30).replaceFirst(",[^,]*,", ",yesterday,")); // type: timestamp
        out.set(base + 40, out.get(base + 40).replaceFirst("^ec2", ""));             // type: blank instance
        out.add(base + 50, out.get(base + 49));                                      // duplicate of the previous row
        out.add(base + 60, out.get(base + 15));                                      // late: an old timestamp
        Path csv = dir.resolve("injected.csv");
        Files.write(csv, out);
        return csv;
    }

    @Test
    void everyRuleIsCountedAndEveryRowIsAccountedFor() throws Exception {
        Path nab = SharedData.require("nab/realAWSCloudwatch/ec2_cpu_utilization_24ae8d.csv");
        List<String> lines = Files.readAllLines(nab).subList(1, 4033);
        Path training = dir.resolve("training.csv");
        List<String> train = new ArrayList<>(List.of("instance,timestamp,value"));
        lines.subList(0, 2000).forEach(l -> train.add("ec2," + l));
        Files.write(training, train);
        ValueRanges ranges;
        try (CsvMetrics source = CsvMetrics.open(training, SPEC)) {
            ranges = ValueRanges.learn(source, 0.5);
        }
        assertThat(ValueRanges.fromJson(ranges.toJson()).range("value").orElseThrow()).containsExactly(ranges.range("value").orElseThrow());

        Path csv = injectedCsv(lines, 2000);
        DataValidator validator = DataValidator.builder(SPEC).ranges(ranges).maxExamples(2).build();
        MetricFrame valid = new MetricFrame(SPEC.metricNames(), 2048);
        Path quarantineFile = dir.resolve("quarantine.parquet");
        ValidationReport report;
        try (ParquetQuarantine q = ParquetQuarantine.toFile(SPEC, quarantineFile)) {
            report = validator.validateCsv(csv, ValidRows.into(valid), q);
        }
        long lineCount = Files.readAllLines(csv).size() - 1;
        assertThat(report.rowsIn()).isEqualTo(lineCount);
        assertThat(report.valid() + report.quarantined()).isEqualTo(report.rowsIn());
        assertThat(report.quarantined()).isEqualTo(7);
        assertThat(report.violations()).containsEntry(Rule.TYPE, 3L).containsEntry(Rule.NON_FINITE, 1L)
                .containsEntry(Rule.OUT_OF_RANGE, 1L).containsEntry(Rule.DUPLICATE, 1L).containsEntry(Rule.OUT_OF_ORDER, 1L);
        assertThat(report.examples().get(Rule.TYPE)).hasSize(2);
        assertThat(report.toJson()).contains("\"out_of_range\":{\"count\":1");

        List<String> reasons = new ArrayList<>();
        try (ParquetTableReader r = ParquetTableReader.open(quarantineFile)) {
            RowGroup g = r.next();
            assertThat(g.rows()).isEqualTo(7);
            reasons.addAll(List.of(g.strings("reason")));
            assertThat(g.strings("value")).contains("abc", "Infinity", "5000");
            assertThat(g.strings("rules")).contains("type", "non_finite", "out_of_range", "duplicate", "out_of_order");
        }
        assertThat(reasons).anySatisfy(s -> assertThat(s).contains("is not a number: \"abc\""))
                .anySatisfy(s -> assertThat(s).contains("outside ["));

        // The valid rows are exactly what the feature executions accept: nothing more is rejected there.
        FeatureFrame features = BatchFeatures.of(SPEC).compute(valid);
        assertThat(features.rows()).isEqualTo(report.valid());
    }

    @Test
    void missingColumnsQuarantineEveryRowAndQuarantineGoesToS3() throws Exception {
        Path csv = dir.resolve("no-value.csv");
        Files.write(csv, List.of("instance,timestamp,other", "a,1000,1", "a,2000,2"));
        try (S3ProxyServer server = S3ProxyServer.start(null); S3Client s3 = server.client()) {
            server.createBucket("lake");
            Storage storage = Storage.s3(s3, "lake", "quarantine/");
            ValidationReport report;
            try (ParquetQuarantine q = ParquetQuarantine.toStorage(SPEC, storage, "dt=2026-11-29/run-1.parquet")) {
                report = DataValidator.builder(SPEC).build().validateCsv(csv, (i, t, v) -> {}, q);
            }
            assertThat(report.quarantined()).isEqualTo(2);
            assertThat(report.violations()).containsEntry(Rule.MISSING_COLUMN, 2L);
            assertThat(storage.list("")).containsExactly("dt=2026-11-29/run-1.parquet");
            Path back = dir.resolve("back.parquet");
            storage.get("dt=2026-11-29/run-1.parquet", back);
            try (ParquetTableReader r = ParquetTableReader.open(back)) {
                assertThat(r.next().strings("reason")).containsOnly("Required metric column \"value\" is missing");
            }
        }
    }

    @Test
    void parquetInputWithTypesAndPoliciesFromTheBuilder() throws Exception {
        MetricFrame frame = new MetricFrame(List.of("value"), 4);
        frame.add("a", 1000, 1);
        frame.add("a", 2000, Double.NaN);
        frame.add("a", 3000, 3);
        Path file = dir.resolve("m.parquet");
        ParquetMetrics.write(frame, file, "instance", "timestamp", Map.of());
        List<QuarantinedRow> rows = new ArrayList<>();
        ValidationReport report = DataValidator.builder(SPEC).nonFinite("value", NonFinitePolicy.REJECT).build()
                .validateParquet(List.of(file), (i, t, v) -> {}, QuarantineSink.into(rows));
        assertThat(report.valid()).isEqualTo(2);
        assertThat(rows).singleElement().satisfies(r -> {
            assertThat(r.rowNumber()).isEqualTo(1);
            assertThat(r.rules()).containsExactly(Rule.NON_FINITE);
        });
    }

    @Test
    void featureRowsAreCheckedAgainstTheSchema() {
        FeatureSpec spec = FeatureSpec.builder("f").metrics("value").raw(true).pctChanges(1).build();
        FeatureSchema schema = spec.schema();
        FeatureFrame features = new FeatureFrame(schema);
        features.accept("a", 1, new float[] {1f, Float.NaN}, 0);
        features.accept("a", 2, new float[] {Float.POSITIVE_INFINITY, 1f}, 0);
        List<QuarantinedRow> rows = new ArrayList<>();
        ValidationReport report = DataValidator.builder(spec).build().validateFeatures(features, "features", QuarantineSink.into(rows));
        assertThat(report.quarantined()).isEqualTo(1);
        assertThat(rows.get(0).reason()).contains("\"value\" is +Infinity");
    }
}
