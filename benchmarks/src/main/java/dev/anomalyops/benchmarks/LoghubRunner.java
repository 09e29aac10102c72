package dev.anomalyops.benchmarks;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.anomalyops.benchmarks.logs.LoghubEvaluation;
import dev.anomalyops.benchmarks.logs.Throughput;
import dev.anomalyops.features.logs.LineOutcome;
import dev.anomalyops.features.logs.LogRecord;
import dev.anomalyops.features.logs.templates.Masking;
import dev.anomalyops.features.logs.templates.TemplateMatcher;
import dev.anomalyops.features.logs.templates.TemplateMiner;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ./bench loghub --log X_2k.log --structured X_2k.log_structured.csv --format '<Date> <Time> <Level> <Content>'}:
 * mines the templates of a Loghub sample with the default miner (no per-system setting but the format string,
 * plus optional extra masking rules) and prints grouping and parsing accuracy, and the matching speed.
 *
 * <p>{@code lines_per_second} is the speed of matching known templates: the miner is frozen after learning the
 * sample, then the sample's messages are matched again and again on one thread for {@code --seconds} after a
 * warm-up. {@code lines_per_cpu_second} divides by the thread's CPU time instead (the per-core figure on a busy
 * machine), and {@code match_to_split_ratio} compares it with {@code String.split(" ")} on the same messages in the
 * same run (a machine-independent ratio); {@code end_to_end_lines_per_second} includes parsing the raw line with
 * the format;
 * {@code learn_lines_per_second} is learning the whole sample from scratch, repeatedly.
 */
@Command(name = "loghub", mixinStandardHelpOptions = true,
        description = "Grouping and parsing accuracy of the template miner on a Loghub sample, and its matching speed.")
public final class LoghubRunner implements Bench.Runner {
    @Option(names = "--log", required = true, paramLabel = "FILE", description = "The raw log, e.g. HDFS_2k.log.")
    Path log;

    @Option(names = "--structured", required = true, paramLabel = "FILE",
            description = "The ground truth, e.g. HDFS_2k.log_structured.csv (or *_structured_corrected.csv).")
    Path structured;

    @Option(names = "--format", required = true, paramLabel = "FORMAT",
            description = "The Loghub format string, e.g. '<Date> <Time> <Pid> <Level> <Component>: <Content>'.")
    String format;

    @Option(names = "--mask", paramLabel = "REGEX",
            description = "An extra masking rule (Java regex); repeatable. None by default.")
    List<String> masks = new ArrayList<>();

    @Option(names = "--seconds", defaultValue = "3", paramLabel = "S", description = "Seconds measured per speed figure (default 3).")
    double seconds;

    @Option(names = "--warmup", defaultValue = "2", paramLabel = "S", description = "Warm-up seconds before each speed figure (default 2).")
    double warmup;

    @Option(names = "--save-templates", paramLabel = "FILE", description = "Also write the miner's state (JSON) here.")
    Path saveTemplates;

    @Override
    public ObjectNode call() throws Exception {
        Masking.Builder masking = Masking.builder();
        for (String mask : masks) {
            masking.rule(mask);
        }
        Masking rules = masking.build();
        Bench.progress("Mining %s with format %s ...", log.getFileName(), format);
        LoghubEvaluation.Result result = LoghubEvaluation.evaluate(log, structured, format, rules);
        Bench.progress("%d lines, %d parsed, %d compared; %d templates (truth %d); GA %.4f, PA %.4f",
                result.lines(), result.parsedLines(), result.evaluatedLines(), result.templates(),
                result.truthTemplates(), result.groupingAccuracy(), result.parsingAccuracy());
        if (result.formatMisses() > 0) {
            Bench.progress("Warning: the format did not parse %d lines that the ground truth has; their Content was mined",
                    result.formatMisses());
        }
        if (result.contentMismatches() > 0) {
            Bench.progress("Warning: %d parsed messages differ from the structured file's Content column",
                    result.contentMismatches());
        }
        if (saveTemplates != null) {
            result.miner().save(saveTemplates);
        }
        TemplateMatcher matcher = result.miner().freeze();
        Bench.progress("Measuring matching of known templates (%.0f s warm-up, %.0f s) ...", warmup, seconds);
        Throughput.Figure match = Throughput.measure(result.contents(), matcher::match, warmup, seconds);
        Bench.progress("  %.0f lines/s (%.0f per CPU second)", match.linesPerSecond(), match.linesPerCpuSecond());
        Throughput.Figure split = Throughput.measure(result.contents(), content -> content.split(" ").length, warmup, seconds);
        Bench.progress("  baseline String.split(\" \") on the same messages: %.0f lines/s (%.0f per CPU second)",
                split.linesPerSecond(), split.linesPerCpuSecond());
        Throughput.Figure endToEnd = Throughput.measure(result.rawLines(), line -> {
            LineOutcome outcome = result.format().parse(line, 1);
            return outcome instanceof LogRecord record ? matcher.match(record.message()) : -2;
        }, warmup, seconds);
        Bench.progress("  end to end (format + match): %.0f lines/s (%.0f per CPU second)", endToEnd.linesPerSecond(),
                endToEnd.linesPerCpuSecond());
        List<String> sample = result.contents();
        Throughput.Figure learn = Throughput.measure(List.of("sample"), ignored -> {
            TemplateMiner miner = TemplateMiner.builder().masking(rules).build();
            int total = 0;
            for (String content : sample) {
                total += miner.learn(content);
            }
            return total;
        }, warmup, seconds);
        double learnLinesPerSecond = learn.linesPerSecond() * sample.size();
        Bench.progress("  learning from scratch: %.0f lines/s", learnLinesPerSecond);

        ObjectNode figures = Bench.figures();
        figures.put("grouping_accuracy", result.groupingAccuracy());
        figures.put("parsing_accuracy", result.parsingAccuracy());
        figures.put("lines_per_second", match.linesPerSecond());
        figures.put("lines_per_cpu_second", match.linesPerCpuSecond());
        figures.put("split_baseline_lines_per_cpu_second", split.linesPerCpuSecond());
        figures.put("match_to_split_ratio", match.linesPerCpuSecond() / split.linesPerCpuSecond());
        figures.put("end_to_end_lines_per_second", endToEnd.linesPerSecond());
        figures.put("learn_lines_per_second", learnLinesPerSecond);
        figures.put("lines", result.lines());
        figures.put("parsed_lines", result.parsedLines());
        figures.put("compared_lines", result.evaluatedLines());
        figures.put("templates", result.templates());
        figures.put("truth_templates", result.truthTemplates());
        return figures;
    }
}
