package dev.anomalyops.features.logs.windows;

import static org.assertj.core.api.Assertions.assertThat;

import dev.anomalyops.core.ConfigurationException;
import dev.anomalyops.features.logs.LogFormats;
import dev.anomalyops.features.logs.LogReader;
import dev.anomalyops.features.logs.LoghubSamples;
import dev.anomalyops.features.logs.RejectedLine;
import dev.anomalyops.features.logs.templates.TemplateMatcher;
import dev.anomalyops.features.logs.templates.TemplateMiner;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The whole path on the Loghub HDFS sample: raw lines to per-block and per-minute feature rows. */
class LogPipelineTest {
    private static final Pattern BLOCK = Pattern.compile("blk_-?\\d+");

    @Test
    void perBlockRowsCountEveryEventOfTheBlock() throws Exception {
        Path log = LoghubSamples.log("HDFS");
        LogReader reader = LogReader.builder(LogFormats.hdfs(ZoneOffset.UTC)).build();
        TemplateMiner miner = TemplateMiner.builder().build();
        List<RejectedLine> quarantine = new ArrayList<>();
        LogPipeline.learnTemplates(reader, log, miner, quarantine::add);
        assertThat(quarantine).isEmpty();
        TemplateMatcher matcher = miner.freeze();
        LogFeatureExtractor perBlock = LogFeatureExtractor.builder(TemplateVocabulary.of(matcher)).bySession(BLOCK).build();

        LogPipeline.Result result = LogPipeline.builder(reader, perBlock).matcher(matcher).build().run(log);

        // An independent count: every distinct block id of a line counts that line once.
        Map<String, Integer> expected = new HashMap<>();
        for (String line : Files.readAllLines(log, StandardCharsets.UTF_8)) {
            Set<String> ids = new LinkedHashSet<>();
            Matcher m = BLOCK.matcher(line);
            while (m.find()) {
                ids.add(m.group());
            }
            for (String id : ids) {
                expected.merge(id, 1, Integer::sum);
            }
        }
        LogFeatureTable table = result.table();
        assertThat(table.size()).isEqualTo(expected.size());
        int count = perBlock.schema().requireIndex("log_count");
        int unseen = perBlock.schema().requireIndex("unseen_template_count");
        int firstTemplate = LogFeatureExtractor.BASE_COLUMNS.size();
        for (LogFeatureRow row : table.rows()) {
            assertThat(row.value(count)).as(row.key()).isEqualTo((float) expected.get(row.key()));
            assertThat(row.value(unseen)).isZero();
            float sum = 0;
            for (int i = firstTemplate; i < row.size(); i++) {
                sum += row.value(i);
            }
            assertThat(sum).as("template columns add up to the count").isEqualTo(row.value(count));
        }
        assertThat(result.summary().lines()).isEqualTo(2000);
        assertThat(result.quarantine()).isEmpty();
    }

    @Test
    void perMinuteRowsAccountForEveryRecordAndQuarantineTheRest() throws Exception {
        Path log = LoghubSamples.log("HDFS");
        LogReader reader = LogReader.builder(LogFormats.hdfs(ZoneOffset.UTC)).build();
        TemplateMiner miner = TemplateMiner.builder().build();
        LogFeatureExtractor perMinute = LogFeatureExtractor.builder(TemplateVocabulary.of(List.of()))
                .window(Duration.ofMinutes(1)).global().build();
        List<String> lines = new ArrayList<>(Files.readAllLines(log, StandardCharsets.UTF_8));
        lines.add(5, "garbage that is no HDFS line");
        LogPipeline.Result result = LogPipeline.builder(reader, perMinute).miner(miner).build().run(lines);
        int count = perMinute.schema().requireIndex("log_count");
        int unseen = perMinute.schema().requireIndex("unseen_template_count");
        double rows = 0;
        double late = result.uncountedRecords();
        for (LogFeatureRow row : result.table().rows()) {
            rows += row.value(count);
            assertThat(row.value(unseen)).as("an empty vocabulary makes every template unseen").isEqualTo(row.value(count));
        }
        assertThat(rows + late).isEqualTo(2000);
        assertThat(result.quarantine()).hasSize(1 + (int) late);
        assertThat(result.quarantine().get(0).reason()).contains("does not match");
        assertThat(result.summary().rejected()).isEqualTo(1);
        assertThat(miner.size()).isBetween(10, 20);
    }

    @Test
    void aPipelineNeedsAMinerOrAMatcher() {
        LogReader reader = LogReader.builder(LogFormats.hdfs(ZoneOffset.UTC)).build();
        LogFeatureExtractor extractor = LogFeatureExtractor.builder(TemplateVocabulary.of(List.of())).build();
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> LogPipeline.builder(reader, extractor).build())
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("template miner or a template matcher");
    }
}
