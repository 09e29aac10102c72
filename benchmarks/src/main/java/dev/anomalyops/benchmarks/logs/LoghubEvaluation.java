package dev.anomalyops.benchmarks.logs;

import dev.anomalyops.features.logs.LineOutcome;
import dev.anomalyops.features.logs.LogFormat;
import dev.anomalyops.features.logs.LogRecord;
import dev.anomalyops.features.logs.templates.Masking;
import dev.anomalyops.features.logs.templates.ParsingAccuracy;
import dev.anomalyops.features.logs.templates.Template;
import dev.anomalyops.features.logs.templates.TemplateMiner;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The Loghub benchmark protocol on one system: parse the raw {@code *_2k.log} with the system's format string
 * (lines that do not match are left out, as the reference parser does, and the structured file lists only the
 * lines that match), learn every message in log order with a fresh {@link TemplateMiner}, and compare each line's
 * final template with the structured file's {@code EventId} (grouping accuracy) and {@code EventTemplate}
 * (parsing accuracy).
 *
 * <p>The structured file's rows are matched to the raw lines in order: a row belongs to the next raw line that
 * ends with its {@code Content} (or simply the next line when none does). A raw line with no row is one the
 * reference parser skipped, and is skipped here too; a row whose line this format did not parse is still mined, with the row's {@code Content} (and counted
 * in {@link Result#formatMisses()}), so that a format difference cannot shift the comparison.
 */
public final class LoghubEvaluation {
    private LoghubEvaluation() {}

    /**
     * @param lines raw lines read
     * @param parsedLines lines that matched the format
     * @param evaluatedLines rows of the structured file compared (a row without a parsed line counts as wrong)
     * @param contentMismatches parsed messages that differ from the structured file's {@code Content}
     * @param formatMisses rows whose raw line the format did not parse (mined from the row's content instead)
     * @param templates templates found
     * @param truthTemplates distinct {@code EventId}s in the structured file
     * @param groupingAccuracy GA
     * @param parsingAccuracy PA
     * @param contents the parsed messages, in order
     * @param rawLines the raw lines that matched, in order
     * @param format the compiled format
     * @param miner the miner after learning every line
     */
    public record Result(int lines, int parsedLines, int evaluatedLines, int contentMismatches, int formatMisses,
            int templates,
            int truthTemplates, double groupingAccuracy, double parsingAccuracy, List<String> contents,
            List<String> rawLines, LogFormat format, TemplateMiner miner) {}

    /**
     * @param log the raw log
     * @param structured the structured ground truth ({@code LineId,...,Content,EventId,EventTemplate})
     * @param formatString the Loghub format string
     * @param masking the miner's masking rules
     * @return the figures
     * @throws IOException when a file cannot be read
     */
    public static Result evaluate(Path log, Path structured, String formatString, Masking masking) throws IOException {
        LogFormat format = LogFormat.of(formatString);
        List<String> rawLines = new ArrayList<>();
        List<String> parsed = new ArrayList<>();
        int parsedLines = 0;
        var decoder = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPLACE)
                .onUnmappableCharacter(CodingErrorAction.REPLACE);
        try (BufferedReader in = new BufferedReader(new InputStreamReader(Files.newInputStream(log), decoder))) {
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                LineOutcome outcome = format.parse(line, rawLines.size() + 1);
                rawLines.add(line);
                if (outcome instanceof LogRecord record) {
                    parsed.add(record.message());
                    parsedLines++;
                } else {
                    parsed.add(null);
                }
            }
        }
        Rfc4180 truth = Rfc4180.read(structured);
        int n = truth.size();
        List<String> contents = new ArrayList<>(n);
        List<String> raw = new ArrayList<>(n);
        int mismatches = 0;
        int misses = 0;
        int next = 0;
        for (int row = 0; row < n; row++) {
            String expected = truth.get(row, "Content").strip();
            int line = next;
            while (line < rawLines.size() && !rawLines.get(line).strip().endsWith(expected)) {
                line++;
            }
            if (line >= rawLines.size()) {
                // No later line ends with this content (the structured file rewrote it): keep to the order.
                if (next >= rawLines.size()) {
                    break;
                }
                line = next;
            }
            next = line + 1;
            String content = parsed.get(line);
            if (content == null) {
                misses++;
                content = expected;
            } else if (!content.strip().equals(expected)) {
                mismatches++;
            }
            contents.add(content);
            raw.add(rawLines.get(line));
        }
        TemplateMiner miner = TemplateMiner.builder().masking(masking).build();
        int[] ids = new int[contents.size()];
        for (int i = 0; i < contents.size(); i++) {
            ids[i] = miner.learn(contents.get(i));
        }
        Map<Integer, String> texts = new HashMap<>();
        for (Template template : miner.templates()) {
            texts.put(template.id(), template.text());
        }
        List<Object> truthGroups = new ArrayList<>(n);
        List<Object> predictedGroups = new ArrayList<>(n);
        List<String> truthTemplates = new ArrayList<>(n);
        List<String> predictedTemplates = new ArrayList<>(n);
        for (int row = 0; row < n; row++) {
            truthGroups.add(truth.get(row, "EventId"));
            truthTemplates.add(truth.get(row, "EventTemplate").strip());
            if (row < ids.length) {
                int id = miner.templateId(ids[row]);
                predictedGroups.add(id);
                predictedTemplates.add(texts.get(id));
            } else {
                predictedGroups.add(new Object());
                predictedTemplates.add(null);
            }
        }
        return new Result(rawLines.size(), parsedLines, n, mismatches, misses, miner.size(),
                (int) truthGroups.stream().distinct().count(),
                ParsingAccuracy.groupingAccuracy(truthGroups, predictedGroups),
                ParsingAccuracy.parsingAccuracy(truthTemplates, predictedTemplates), contents, raw, format, miner);
    }
}
