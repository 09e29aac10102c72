package dev.anomalyops.features.logs.windows;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.anomalyops.core.ConfigurationException;
import dev.anomalyops.core.scoring.FeatureBatch;
import dev.anomalyops.features.logs.LogLevel;
import dev.anomalyops.features.logs.LogRecord;
import dev.anomalyops.features.logs.templates.TemplateMiner;
import dev.anomalyops.features.parquet.Column;
import dev.anomalyops.features.parquet.ParquetTableReader;
import dev.anomalyops.features.parquet.RowGroup;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LogFeatureExtractorTest {
    private static final TemplateVocabulary VOCABULARY = TemplateVocabulary.of(List.of(3, 1, 2));
    private final List<LogFeatureRow> rows = new ArrayList<>();

    private static Instant at(String time) {
        return Instant.parse("2024-03-02T" + time + "Z");
    }

    private static float value(LogFeatureExtractor extractor, LogFeatureRow row, String feature) {
        return row.value(extractor.schema().requireIndex(feature));
    }

    @Test
    void theSchemaListsTheBaseColumnsThenOneColumnPerTemplate() {
        LogFeatureExtractor extractor = LogFeatureExtractor.builder(VOCABULARY).build();
        assertThat(extractor.schema().names()).containsExactly("log_count", "log_rate_per_s", "level_error",
                "level_warn", "level_info", "level_other", "unique_templates", "new_templates", "unseen_template_count",
                "hour", "day_of_week", "is_weekend", "template_1", "template_2", "template_3");
        LogFeatureExtractor other = LogFeatureExtractor.builder(TemplateVocabulary.of(List.of(1, 2))).build();
        assertThat(other.schema().fingerprint()).isNotEqualTo(extractor.schema().fingerprint());
    }

    @Test
    void perInstanceWindowsCountLevelsTemplatesAndTime() {
        LogFeatureExtractor extractor = LogFeatureExtractor.builder(VOCABULARY).window(Duration.ofMinutes(5))
                .zone(ZoneId.of("Europe/Berlin")).build();
        LogWindowAggregator aggregator = extractor.aggregator(rows::add);
        aggregator.accept("web-1", at("10:00:10"), LogLevel.INFO, 1);
        aggregator.accept("web-1", at("10:01:00"), LogLevel.ERROR, 2);
        aggregator.accept("web-1", at("10:02:00"), LogLevel.FATAL, 2);
        aggregator.accept("web-2", at("10:03:00"), LogLevel.WARN, 1);
        aggregator.accept("web-1", at("10:04:59"), LogLevel.DEBUG, 7);
        aggregator.accept("web-1", at("10:04:59"), LogLevel.UNKNOWN, TemplateMiner.UNKNOWN);
        assertThat(rows).isEmpty();
        aggregator.accept("web-1", at("10:05:00"), LogLevel.INFO, 1);
        assertThat(rows).extracting(LogFeatureRow::key).containsExactly("web-1", "web-2");
        LogFeatureRow web1 = rows.get(0);
        assertThat(web1.start()).isEqualTo(at("10:00:00"));
        assertThat(web1.end()).isEqualTo(at("10:05:00"));
        assertThat(value(extractor, web1, "log_count")).isEqualTo(5);
        assertThat(value(extractor, web1, "log_rate_per_s")).isEqualTo(5 / 300f);
        assertThat(value(extractor, web1, "level_error")).isEqualTo(2);
        assertThat(value(extractor, web1, "level_warn")).isEqualTo(0);
        assertThat(value(extractor, web1, "level_info")).isEqualTo(1);
        assertThat(value(extractor, web1, "level_other")).isEqualTo(2);
        assertThat(value(extractor, web1, "unique_templates")).isEqualTo(4);
        assertThat(value(extractor, web1, "new_templates")).isEqualTo(4);
        assertThat(value(extractor, web1, "unseen_template_count")).isEqualTo(2);
        assertThat(value(extractor, web1, "template_1")).isEqualTo(1);
        assertThat(value(extractor, web1, "template_2")).isEqualTo(2);
        assertThat(value(extractor, web1, "template_3")).isEqualTo(0);
        assertThat(value(extractor, web1, "hour")).as("10:00 UTC is 11:00 in Berlin in March").isEqualTo(11);
        assertThat(value(extractor, web1, "day_of_week")).isEqualTo(6);
        assertThat(value(extractor, web1, "is_weekend")).isEqualTo(1);
        assertThat(value(extractor, rows.get(1), "new_templates")).as("template 1 was seen before").isEqualTo(0);

        aggregator.finish();
        assertThat(rows).hasSize(3);
        assertThat(value(extractor, rows.get(2), "new_templates")).isEqualTo(0);
        assertThat(aggregator.accepted()).isEqualTo(7);
        extractor.schema().validateRow(rows.get(0).values(), 0);
    }

    @Test
    void lateEventsAndEventsWithoutTimestampAreNotCountedAndSaySo() {
        LogFeatureExtractor extractor = LogFeatureExtractor.builder(VOCABULARY).allowedLateness(Duration.ofSeconds(30))
                .build();
        LogWindowAggregator aggregator = extractor.aggregator(rows::add);
        assertThat(aggregator.accept("a", at("10:00:10"), LogLevel.INFO, 1)).isEqualTo(LogWindowAggregator.Outcome.ACCEPTED);
        assertThat(aggregator.accept("a", at("10:01:10"), LogLevel.INFO, 1)).isEqualTo(LogWindowAggregator.Outcome.ACCEPTED);
        assertThat(rows).as("within the allowed lateness").isEmpty();
        assertThat(aggregator.accept("a", at("10:00:50"), LogLevel.INFO, 1)).isEqualTo(LogWindowAggregator.Outcome.ACCEPTED);
        assertThat(aggregator.accept("a", at("10:01:31"), LogLevel.INFO, 1)).isEqualTo(LogWindowAggregator.Outcome.ACCEPTED);
        assertThat(rows).hasSize(1);
        assertThat(value(extractor, rows.get(0), "log_count")).isEqualTo(2);
        assertThat(aggregator.accept("a", at("10:00:59"), LogLevel.INFO, 1)).isEqualTo(LogWindowAggregator.Outcome.LATE);
        assertThat(aggregator.accept("a", null, LogLevel.INFO, 1)).isEqualTo(LogWindowAggregator.Outcome.NO_TIMESTAMP);
        assertThat(aggregator.late()).isEqualTo(1);
        assertThat(aggregator.withoutTimestamp()).isEqualTo(1);
        aggregator.advanceTo(at("10:10:00"));
        assertThat(rows).hasSize(2);
        assertThat(aggregator.open()).isZero();
    }

    @Test
    void sessionsGroupEveryIdInTheMessageAndCloseAfterTheGap() {
        LogFeatureExtractor extractor = LogFeatureExtractor.builder(VOCABULARY).bySession(Pattern.compile("blk_-?\\d+"))
                .sessionGap(Duration.ofMinutes(10)).build();
        LogWindowAggregator aggregator = extractor.aggregator(rows::add);
        aggregator.accept(record(at("10:00:00"), LogLevel.INFO, "Receiving block blk_1 src: /10.0.0.1"), 1);
        aggregator.accept(record(at("10:00:02"), LogLevel.INFO, "Receiving block blk_-2 src: /10.0.0.1"), 1);
        aggregator.accept(record(at("10:00:30"), LogLevel.WARN, "BLOCK* ask to delete blk_1 blk_-2 blk_1"), 2);
        assertThat(aggregator.accept(record(at("10:00:31"), LogLevel.INFO, "no block here"), 3))
                .isEqualTo(LogWindowAggregator.Outcome.NO_SESSION_ID);
        aggregator.accept(record(at("10:20:00"), LogLevel.INFO, "Receiving block blk_3 src: /10.0.0.1"), 1);
        assertThat(rows).extracting(LogFeatureRow::key).containsExactly("blk_1", "blk_-2");
        LogFeatureRow first = rows.get(0);
        assertThat(first.start()).isEqualTo(at("10:00:00"));
        assertThat(first.end()).isEqualTo(at("10:00:30"));
        assertThat(value(extractor, first, "log_count")).isEqualTo(2);
        assertThat(value(extractor, first, "log_rate_per_s")).isEqualTo(2 / 30f);
        assertThat(value(extractor, first, "template_2")).isEqualTo(1);
        assertThat(value(extractor, first, "level_warn")).isEqualTo(1);
        aggregator.finish();
        assertThat(rows).extracting(LogFeatureRow::key).containsExactly("blk_1", "blk_-2", "blk_3");
        assertThat(value(extractor, rows.get(2), "log_rate_per_s")).as("a single event has no rate").isNaN();
        assertThat(aggregator.withoutSessionId()).isEqualTo(1);
    }

    @Test
    void sessionsWithoutTimestampsHaveNoRateAndNoTimeFeatures() {
        LogFeatureExtractor extractor = LogFeatureExtractor.builder(VOCABULARY).bySession(Pattern.compile("blk_\\d+")).build();
        LogWindowAggregator aggregator = extractor.aggregator(rows::add);
        aggregator.accept("blk_1", null, LogLevel.UNKNOWN, 3);
        aggregator.accept("blk_1", null, LogLevel.UNKNOWN, 3);
        aggregator.finish();
        LogFeatureRow row = rows.get(0);
        assertThat(row.start()).isNull();
        assertThat(value(extractor, row, "template_3")).isEqualTo(2);
        assertThat(value(extractor, row, "log_rate_per_s")).isNaN();
        assertThat(value(extractor, row, "hour")).isNaN();
        assertThatThrownBy(() -> aggregator.accept("blk_1", null, LogLevel.INFO, 1)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void aGlobalWindowPutsEveryInstanceInOneRow() {
        LogFeatureExtractor extractor = LogFeatureExtractor.builder(VOCABULARY).global().build();
        LogWindowAggregator aggregator = extractor.aggregator(rows::add);
        aggregator.accept(record(at("10:00:00"), LogLevel.INFO, "a"), 1);
        aggregator.accept(new LogRecord(2, 1, at("10:00:01"), LogLevel.INFO, "other-host", "b", Map.of()), 2);
        aggregator.finish();
        assertThat(rows).singleElement().satisfies(row -> {
            assertThat(row.key()).isEmpty();
            assertThat(value(extractor, row, "log_count")).isEqualTo(2);
        });
    }

    @Test
    void tablesBecomeBatchesAndCsv() throws Exception {
        LogFeatureExtractor extractor = LogFeatureExtractor.builder(TemplateVocabulary.of(List.of(1))).build();
        LogFeatureTable.Collector collector = LogFeatureTable.collector(extractor);
        LogWindowAggregator aggregator = extractor.aggregator(collector::add);
        aggregator.accept("host,\"1\"", at("23:59:30"), LogLevel.ERROR, 1);
        aggregator.accept("h2", at("23:59:40"), LogLevel.INFO, 1);
        aggregator.finish();
        LogFeatureTable table = collector.table();
        FeatureBatch batch = table.toBatch();
        assertThat(batch.rows()).isEqualTo(2);
        assertThat(table.rows()).extracting(LogFeatureRow::key).containsExactly("h2", "host,\"1\"");
        assertThat(batch.get(1, extractor.schema().requireIndex("level_error"))).isEqualTo(1);
        batch.validate();
        StringWriter csv = new StringWriter();
        table.writeCsv(csv);
        String[] lines = csv.toString().split("\n");
        assertThat(lines[0]).isEqualTo("key,window_start,window_end," + String.join(",", extractor.schema().names()));
        assertThat(lines[2]).isEqualTo("\"host,\"\"1\"\"\",2024-03-02T23:59:00Z,2024-03-03T00:00:00Z,1,0.016666668,1,0,0,0,1,1,0,23,6,1,1");
    }

    @Test
    void tablesBecomeParquetThatReadsBackToTheSameRows(@TempDir Path dir) {
        LogFeatureExtractor windows = LogFeatureExtractor.builder(VOCABULARY).window(Duration.ofMinutes(1)).build();
        LogFeatureTable.Collector collector = LogFeatureTable.collector(windows);
        LogWindowAggregator aggregator = windows.aggregator(collector::add);
        aggregator.accept("web-1", at("10:00:10"), LogLevel.ERROR, 1);
        aggregator.accept("web-1", at("10:00:20"), LogLevel.INFO, 3);
        aggregator.accept("web-2", at("10:01:05"), LogLevel.WARN, 9);
        aggregator.finish();
        LogFeatureTable table = collector.table();
        Path file = dir.resolve("windows.parquet");
        table.writeParquet(file);
        assertThat(readBack(file, table)).isEqualTo(table.toBatch().values());

        LogFeatureExtractor sessions = LogFeatureExtractor.builder(VOCABULARY).bySession(Pattern.compile("blk_\\d+")).build();
        LogFeatureTable.Collector sessionRows = LogFeatureTable.collector(sessions);
        LogWindowAggregator perBlock = sessions.aggregator(sessionRows::add);
        perBlock.accept("blk_1", null, LogLevel.UNKNOWN, 2);
        perBlock.finish();
        Path blocks = dir.resolve("sessions.parquet");
        sessionRows.table().writeParquet(blocks);
        float[] values = readBack(blocks, sessionRows.table());
        assertThat(values[sessions.schema().requireIndex("hour")]).as("NaN is written as null and read as NaN").isNaN();
        assertThat(values[sessions.schema().requireIndex("template_2")]).isEqualTo(1);
    }

    /** Reads a file written by {@link LogFeatureTable#writeParquet} with the module's Parquet reader. */
    private static float[] readBack(Path file, LogFeatureTable table) {
        List<String> names = table.schema().names();
        try (ParquetTableReader reader = ParquetTableReader.open(file)) {
            assertThat(reader.rowCount()).isEqualTo(table.size());
            assertThat(reader.metadata()).containsEntry("anomalyops.schema.fingerprint", table.schema().fingerprint());
            assertThat(reader.columns()).extracting(Column::name).startsWith("key", "window_start", "window_end")
                    .hasSize(names.size() + 3);
            RowGroup group = reader.next();
            assertThat(group.rows()).isEqualTo(table.size());
            assertThat(reader.next()).isNull();
            float[] values = new float[table.size() * names.size()];
            String[] keys = group.strings("key");
            long[] starts = group.longs("window_start");
            for (int r = 0; r < table.size(); r++) {
                LogFeatureRow row = table.rows().get(r);
                assertThat(keys[r]).isEqualTo(row.key());
                assertThat(starts[r]).isEqualTo(row.start() == null ? Long.MIN_VALUE : row.start().toEpochMilli());
            }
            for (int c = 0; c < names.size(); c++) {
                double[] column = group.doubles(names.get(c));
                for (int r = 0; r < table.size(); r++) {
                    values[r * names.size() + c] = (float) column[r];
                }
            }
            return values;
        }
    }

    @Test
    void vocabularies() {
        assertThat(VOCABULARY.ids()).containsExactly(1, 2, 3);
        assertThat(VOCABULARY.column(2)).isEqualTo(1);
        assertThat(VOCABULARY.column(9)).isEqualTo(-1);
        assertThat(VOCABULARY.column(TemplateMiner.UNKNOWN)).isEqualTo(-1);
        TemplateMiner miner = TemplateMiner.builder().build();
        for (int i = 0; i < 3; i++) {
            miner.learn("frequent event " + i);
        }
        miner.learn("rare event");
        assertThat(TemplateVocabulary.mostFrequent(miner.templates(), 1).ids()).containsExactly(1);
        assertThat(TemplateVocabulary.of(miner).size()).isEqualTo(2);
        assertThatThrownBy(() -> TemplateVocabulary.of(List.of(0))).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void invalidSettingsAreReportedTogether() {
        assertThatThrownBy(() -> LogFeatureExtractor.builder(VOCABULARY).window(Duration.ZERO)
                .allowedLateness(Duration.ofSeconds(-1)).sessionGap(Duration.ofSeconds(1)).build())
                .isInstanceOfSatisfying(ConfigurationException.class, e -> assertThat(e.violations()).hasSize(3));
        assertThatThrownBy(() -> LogFeatureExtractor.builder(VOCABULARY).bySession(Pattern.compile("x*")).build())
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("matches the empty string");
    }

    private static LogRecord record(Instant time, LogLevel level, String message) {
        return new LogRecord(1, 1, time, level, "host", message, Map.of());
    }
}
