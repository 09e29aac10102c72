package dev.anomalyops.features.logs.windows;

import dev.anomalyops.core.ConfigurationException;
import dev.anomalyops.features.logs.LogReader;
import dev.anomalyops.features.logs.LogRecord;
import dev.anomalyops.features.logs.ReadSummary;
import dev.anomalyops.features.logs.RejectedLine;
import dev.anomalyops.features.logs.templates.TemplateMatcher;
import dev.anomalyops.features.logs.templates.TemplateMiner;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.ToIntFunction;
import org.jspecify.annotations.Nullable;

/**
 * Raw log in, feature rows out: reads with a {@link LogReader}, gives each record's first line to a template
 * miner (learning) or a frozen matcher (scoring), and aggregates with a {@link LogFeatureExtractor}. Every line
 * is accounted for: it is in a row, or in the quarantine with the reason (unparseable, no timestamp, no session
 * id, arrived after its window was emitted).
 *
 * <p>Typical training use is two passes: learn the templates of a history ({@link #learnTemplates}), fix the
 * vocabulary, then compute its features with the frozen matcher. At serving time the same matcher and
 * extractor give the same columns.
 *
 * <pre>{@code
 * TemplateMiner miner = TemplateMiner.builder().build();
 * LogPipeline.learnTemplates(reader, Path.of("history.log"), miner, quarantine::add);
 * TemplateMatcher matcher = miner.freeze();
 * LogFeatureExtractor extractor = LogFeatureExtractor.builder(TemplateVocabulary.of(matcher))
 *         .window(Duration.ofMinutes(5)).build();
 * LogPipeline.Result result = LogPipeline.builder(reader, extractor).matcher(matcher).build().run(Path.of("history.log"));
 * FeatureBatch batch = result.table().toBatch();
 * }</pre>
 *
 * <p>Immutable; each run keeps its own state. A pipeline with a miner must not run concurrently (the miner is
 * not thread-safe); one with a matcher may.
 */
public final class LogPipeline {
    private final LogReader reader;
    private final LogFeatureExtractor extractor;
    private final ToIntFunction<CharSequence> templates;

    private LogPipeline(Builder builder, ToIntFunction<CharSequence> templates) {
        this.reader = builder.reader;
        this.extractor = builder.extractor;
        this.templates = templates;
    }

    /**
     * @param reader reads and parses the log
     * @param extractor defines the rows
     * @return a builder; set {@link Builder#miner} or {@link Builder#matcher}
     */
    public static Builder builder(LogReader reader, LogFeatureExtractor extractor) {
        return new Builder(reader, extractor);
    }

    /**
     * First pass of training: learns the templates of a log.
     *
     * @param reader reads and parses the log
     * @param file the log
     * @param miner learns each record's first line
     * @param quarantine receives the lines that are not records
     * @return the read counts
     * @throws UncheckedIOException when the file cannot be read
     */
    public static ReadSummary learnTemplates(LogReader reader, Path file, TemplateMiner miner,
            Consumer<RejectedLine> quarantine) {
        Objects.requireNonNull(miner, "miner");
        return reader.read(file, record -> miner.learn(record.firstLine()), quarantine);
    }

    /**
     * @param file a UTF-8 log file
     * @return the rows, the quarantine and the counts
     * @throws UncheckedIOException when the file cannot be read
     */
    public Result run(Path file) {
        Run run = new Run();
        ReadSummary summary = reader.read(file, run::record, run.quarantine::add);
        return run.finish(summary);
    }

    /**
     * @param in UTF-8 bytes; not closed
     * @return the rows, the quarantine and the counts
     * @throws UncheckedIOException when reading fails
     */
    public Result run(InputStream in) {
        Run run = new Run();
        ReadSummary summary = reader.read(in, run::record, run.quarantine::add);
        return run.finish(summary);
    }

    /**
     * @param lines the lines of a log
     * @return the rows, the quarantine and the counts
     */
    public Result run(Iterable<String> lines) {
        Run run = new Run();
        ReadSummary summary = reader.read(lines, run::record, run.quarantine::add);
        return run.finish(summary);
    }

    private final class Run {
        final List<RejectedLine> quarantine = new ArrayList<>();
        final LogFeatureTable.Collector rows = LogFeatureTable.collector(extractor);
        final LogWindowAggregator aggregator = extractor.aggregator(rows::add);
        long uncounted;

        void record(LogRecord record) {
            int id = templates.applyAsInt(record.firstLine());
            LogWindowAggregator.Outcome outcome = aggregator.accept(record, id);
            if (outcome != LogWindowAggregator.Outcome.ACCEPTED) {
                uncounted++;
                quarantine.add(new RejectedLine(record.lineNumber(), record.message(), reason(record, outcome)));
            }
        }

        Result finish(ReadSummary summary) {
            aggregator.finish();
            return new Result(rows.table(), quarantine, summary, uncounted);
        }
    }

    private static String reason(LogRecord record, LogWindowAggregator.Outcome outcome) {
        switch (outcome) {
            case LATE:
                return "Record of line " + record.lineNumber() + " at " + record.timestamp()
                        + " arrived after its window was emitted";
            case NO_TIMESTAMP:
                return "Record of line " + record.lineNumber() + " has no timestamp, which time windows need";
            default:
                return "Record of line " + record.lineNumber() + " has no session id";
        }
    }

    /**
     * The outcome of one run.
     *
     * @param table the feature rows
     * @param quarantine lines that are in no row, with the reason, in the order they were met
     * @param summary the reader's counts
     * @param uncountedRecords parsed records that are in no row (also in the quarantine)
     */
    public record Result(LogFeatureTable table, List<RejectedLine> quarantine, ReadSummary summary,
            long uncountedRecords) {

        /** Copies the quarantine. */
        public Result {
            Objects.requireNonNull(table, "table");
            quarantine = List.copyOf(quarantine);
            Objects.requireNonNull(summary, "summary");
        }
    }

    /** Configures a {@link LogPipeline}. Not thread-safe. */
    public static final class Builder {
        private final LogReader reader;
        private final LogFeatureExtractor extractor;
        private @Nullable TemplateMiner miner;
        private @Nullable TemplateMatcher matcher;

        private Builder(LogReader reader, LogFeatureExtractor extractor) {
            this.reader = Objects.requireNonNull(reader, "reader");
            this.extractor = Objects.requireNonNull(extractor, "extractor");
        }

        /**
         * @param miner learns while the pipeline runs (templates learnt after the vocabulary was fixed count as
         *     unseen)
         * @return this builder
         */
        public Builder miner(TemplateMiner miner) {
            this.miner = Objects.requireNonNull(miner, "miner");
            this.matcher = null;
            return this;
        }

        /**
         * @param matcher maps messages to fixed template ids
         * @return this builder
         */
        public Builder matcher(TemplateMatcher matcher) {
            this.matcher = Objects.requireNonNull(matcher, "matcher");
            this.miner = null;
            return this;
        }

        /**
         * @return the pipeline
         * @throws ConfigurationException when neither a miner nor a matcher was set
         */
        public LogPipeline build() {
            TemplateMiner learning = miner;
            TemplateMatcher frozen = matcher;
            if (learning != null) {
                return new LogPipeline(this, learning::learn);
            }
            if (frozen != null) {
                return new LogPipeline(this, frozen::match);
            }
            throw new ConfigurationException("LogPipeline needs a template miner or a template matcher");
        }
    }
}
