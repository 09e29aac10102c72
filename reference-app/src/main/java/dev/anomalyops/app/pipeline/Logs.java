package dev.anomalyops.app.pipeline;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.anomalyops.features.logs.LineOutcome;
import dev.anomalyops.features.logs.LogFormat;
import dev.anomalyops.features.logs.LogFormats;
import dev.anomalyops.features.logs.LogLevel;
import dev.anomalyops.features.logs.LogRecord;
import dev.anomalyops.features.logs.templates.Template;
import dev.anomalyops.features.logs.templates.TemplateMiner;
import dev.anomalyops.features.parquet.ParquetTableReader;
import dev.anomalyops.features.parquet.RowGroup;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The log step: parses the ingested log lines with the system's Loghub format preset ({@link LogFormats}) and
 * mines their templates ({@link TemplateMiner}), writing the templates to {@code logs/SYSTEM-templates.json}.
 * A line the format rejects is counted with its reason, never dropped silently.
 */
public final class Logs {
    private Logs() {}

    /**
     * @param system the Loghub system
     * @param lines lines read
     * @param parsed lines the format parsed
     * @param rejected lines it rejected
     * @param warnings records at WARN
     * @param errors records at ERROR or above
     * @param templates templates mined
     * @param top the most frequent templates
     * @param templateFile where the templates were saved
     */
    public record SystemResult(String system, long lines, long parsed, long rejected, long warnings, long errors,
            int templates, List<Template> top, Path templateFile) {
        /** @return a JSON summary */
        public ObjectNode toJson() {
            ObjectNode node = JsonNodeFactory.instance.objectNode();
            node.put("system", system).put("lines", lines).put("parsed", parsed).put("rejected", rejected)
                    .put("warnings", warnings).put("errors", errors).put("templates", templates)
                    .put("templateFile", templateFile.toString());
            top.forEach(t -> node.withArray("top").addObject().put("id", t.id()).put("count", t.count())
                    .put("text", t.text()));
            return node;
        }
    }

    /**
     * @param system a Loghub system name
     * @return its format preset, or null when there is none (lines are then taken whole as messages)
     */
    static @Nullable LogFormat format(String system) {
        return switch (system.toLowerCase(Locale.ROOT)) {
            case "hdfs" -> LogFormats.hdfs(ZoneOffset.UTC);
            case "spark" -> LogFormats.spark(ZoneOffset.UTC);
            case "zookeeper" -> LogFormats.zookeeper(ZoneOffset.UTC);
            case "hadoop" -> LogFormats.hadoop(ZoneOffset.UTC);
            case "bgl" -> LogFormats.bgl();
            // Syslog-style lines carry no year; a fixed clock keeps the run reproducible.
            case "openssh" -> LogFormats.openSsh(ZoneOffset.UTC, Clock.fixed(Instant.parse("2017-12-31T00:00:00Z"),
                    ZoneOffset.UTC));
            default -> null;
        };
    }

    /**
     * @param config the configuration (systems)
     * @param workspace the work directory (what {@link Ingest} wrote)
     * @param progress progress lines
     * @return per system, in configuration order
     */
    public static Map<String, SystemResult> run(PipelineConfig config, Workspace workspace, Progress progress) {
        Map<String, SystemResult> results = new LinkedHashMap<>();
        for (String system : config.data().logs()) {
            LogFormat format = format(system);
            TemplateMiner miner = TemplateMiner.builder().build();
            long lines = 0;
            long parsed = 0;
            long rejected = 0;
            long warnings = 0;
            long errors = 0;
            try (ParquetTableReader reader = ParquetTableReader.open(workspace.lakeLogs(system))
                    .select(Set.of("line", "message"))) {
                RowGroup group;
                while ((group = reader.next()) != null) {
                    String[] messages = group.strings("message");
                    long[] numbers = group.longs("line");
                    for (int r = 0; r < group.rows(); r++) {
                        lines++;
                        LineOutcome outcome = format == null ? LogRecord.ofMessage(messages[r])
                                : format.parse(messages[r], numbers[r]);
                        if (outcome instanceof LogRecord record) {
                            parsed++;
                            warnings += record.level() == LogLevel.WARN ? 1 : 0;
                            errors += record.level() == LogLevel.ERROR || record.level() == LogLevel.FATAL ? 1 : 0;
                            miner.learn(record.firstLine());
                        } else {
                            rejected++;
                        }
                    }
                }
            }
            Path file = Workspace.prepare(workspace.root().resolve("logs").resolve(system + "-templates.json"));
            miner.save(file);
            List<Template> top = miner.templates().stream().sorted(Comparator.comparingLong(Template::count).reversed())
                    .limit(5).toList();
            SystemResult result = new SystemResult(system, lines, parsed, rejected, warnings, errors, miner.size(), top,
                    file);
            results.put(system, result);
            progress.line(String.format("  parsed %-16s %,6d lines: %,d parsed, %,d rejected, %,d templates, %,d WARN,"
                    + " %,d ERROR+", system, lines, parsed, rejected, miner.size(), warnings, errors));
        }
        return results;
    }
}
