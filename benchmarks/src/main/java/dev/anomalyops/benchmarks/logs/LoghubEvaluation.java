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
 * (parsing accuracy). The structured file's rows are matched to the parsed lines in order.
 */
public final class LoghubEvaluation {
    private LoghubEvaluation() {}

    /**
     * @param lines raw lines read
     * @param parsedLines lines that matched the format
     * @param evaluatedLines rows of the structured file compared (a row without a parsed line counts as wrong)
     * @param contentMismatches parsed messages that differ from the structured file's {@code Content}
     * @param templates templates found
     * @param truthTemplates distinct {@code EventId}s in the structured file
     * @param groupingAccuracy GA
     * @param parsingAccuracy PA
     * @param contents the parsed messages, in order
     * @param rawLines the raw lines that matched, in order
     * @param format the compiled format
     * @param miner the miner after learning every line
     */
    public record Result(int lines, int parsedLines, int evaluatedLines, int contentMismatches, int templates,
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
        List<String> contents = new ArrayList<>();
        List<String> raw = new ArrayList<>();
        int lines = 0;
        var decoder = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPLACE)
                .onUnmappableCharacter(CodingErrorAction.REPLACE);
        try (BufferedReader in = new BufferedReader(new InputStreamReader(Files.newInputStream(log), decoder))) {
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                lines++;
                LineOutcome outcome = format.parse(line, lines);
                if (outcome instanceof LogRecord record) {
                    contents.add(record.message());
                    raw.add(line);
                }
            }
        }
        Rfc4180 truth = Rfc4180.read(structured);
        TemplateMiner miner = TemplateMiner.builder().masking(masking).build();
        int[] ids = new int[contents.size()];
        for (int i = 0; i < contents.size(); i++) {
            ids[i] = miner.learn(contents.get(i));
        }
        Map<Integer, String> texts = new HashMap<>();
        for (Template template : miner.templates()) {
            texts.put(template.id(), template.text());
        }
        int n = truth.size();
        List<Object> truthGroups = new ArrayList<>(n);
        List<Object> predictedGroups = new ArrayList<>(n);
        List<String> truthTemplates = new ArrayList<>(n);
        List<String> predictedTemplates = new ArrayList<>(n);
        int mismatches = 0;
        for (int row = 0; row < n; row++) {
            truthGroups.add(truth.get(row, "EventId"));
            truthTemplates.add(truth.get(row, "EventTemplate").strip());
            if (row < ids.length) {
                int id = miner.templateId(ids[row]);
                predictedGroups.add(id);
                predictedTemplates.add(texts.get(id));
                if (truth.has("Content") && !truth.get(row, "Content").strip().equals(contents.get(row).strip())) {
                    mismatches++;
                }
            } else {
                predictedGroups.add(new Object());
                predictedTemplates.add(null);
            }
        }
        return new Result(lines, contents.size(), n, mismatches, miner.size(),
                (int) truthGroups.stream().distinct().count(),
                ParsingAccuracy.groupingAccuracy(truthGroups, predictedGroups),
                ParsingAccuracy.parsingAccuracy(truthTemplates, predictedTemplates), contents, raw, format, miner);
    }
}
