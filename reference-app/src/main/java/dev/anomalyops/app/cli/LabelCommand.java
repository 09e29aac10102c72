package dev.anomalyops.app.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.anomalyops.core.ConfigurationException;
import dev.anomalyops.core.StorageException;
import dev.anomalyops.core.model.ModelBundle;
import dev.anomalyops.train.CsvRowSource;
import dev.anomalyops.train.detect.AnomalyDetector;
import dev.anomalyops.train.detect.Contamination;
import dev.anomalyops.train.detect.DetectorModel;
import dev.anomalyops.train.detect.IsolationForest;
import dev.anomalyops.train.detect.OneClassSvm;
import dev.anomalyops.train.label.ImportResult;
import dev.anomalyops.train.label.Label;
import dev.anomalyops.train.label.LabelConflict;
import dev.anomalyops.train.label.LabelSource;
import dev.anomalyops.train.label.LabelStore;
import dev.anomalyops.train.label.PseudoLabeler;
import dev.anomalyops.train.label.PseudoLabels;
import dev.anomalyops.train.label.ReviewFiles;
import dev.anomalyops.train.label.ReviewItem;
import dev.anomalyops.train.label.ReviewQueue;
import dev.anomalyops.train.label.TrainingSet;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code anomalyops label detect|import|training-set|status}: the semi-supervised labelling loop. {@code detect}
 * fits an unsupervised detector on a CSV file, writes its bundle, stores a pseudo-label for every row and
 * exports the review queue; people fill the {@code label} column; {@code import} stores their labels (append
 * only, idempotent) and can write the weighted training set; {@code status} shows counts and conflicts.
 */
@Command(name = "label", mixinStandardHelpOptions = true,
        description = "Semi-supervised labelling: detect and export a review queue, import reviewed labels, build "
                + "the training set.",
        subcommands = {LabelCommand.Detect.class, LabelCommand.Import.class, LabelCommand.TrainingSetCommand.class,
            LabelCommand.Status.class})
final class LabelCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(),
                "Missing subcommand: detect, import, training-set or status");
    }

    /** The CSV input options shared by the subcommands that read rows. */
    static final class Input {
        @Option(names = "--input", required = true, paramLabel = "FILE",
                description = "Rows as CSV (optionally .gz): a header, an id column, context columns, features.")
        Path file;

        @Option(names = "--no-header", description = "The file has no header; every column is a feature (f0, f1, ...).")
        boolean noHeader;

        @Option(names = "--id-column", paramLabel = "COLUMN",
                description = "Column holding row ids (default: the row number).")
        String idColumn;

        @Option(names = "--context-column", paramLabel = "COLUMN",
                description = "Column shown to reviewers but not a feature (raw log line, host ...); repeatable.")
        List<String> contextColumns = new ArrayList<>();

        CsvRowSource open() {
            return CsvRowSource.builder(file).header(!noHeader).idColumn(idColumn).contextColumns(contextColumns)
                    .build();
        }
    }

    @Command(name = "detect", mixinStandardHelpOptions = true,
            description = "Fit a detector, pseudo-label every row into the label store and export the review queue.")
    static final class Detect implements Callable<Integer> {
        @Mixin
        Output output;

        @CommandLine.ArgGroup(exclusive = false, multiplicity = "1")
        Input input;

        @Option(names = "--out", required = true, paramLabel = "DIR",
                description = "Directory for the detector bundle and the review files.")
        Path out;

        @Option(names = "--store", paramLabel = "FILE", description = "Label store (default: OUT/labels.jsonl).")
        Path store;

        @Option(names = "--detector", defaultValue = "isolation-forest",
                description = "isolation-forest (default) or one-class-svm.")
        String detector;

        @Option(names = "--contamination", defaultValue = "auto",
                description = "auto or the share of rows to flag, in (0, 0.5] (default: ${DEFAULT-VALUE}).")
        String contamination;

        @Option(names = "--trees", defaultValue = "100", description = "Isolation Forest trees (default: ${DEFAULT-VALUE}).")
        int trees;

        @Option(names = "--seed", defaultValue = "0", description = "Random seed (default: ${DEFAULT-VALUE}).")
        long seed;

        @Option(names = "--threads", description = "Threads (default: all processors).")
        Integer threads;

        @Option(names = "--budget", defaultValue = "0.2",
                description = "Share of the flagged rows to review (default: ${DEFAULT-VALUE}).")
        double budget;

        @Option(names = "--near-threshold-share", defaultValue = "0.7",
                description = "Share of the budget spent nearest the threshold (default: ${DEFAULT-VALUE}).")
        double nearThresholdShare;

        @Option(names = "--format", defaultValue = "both", description = "Review file format: csv, jsonl or both.")
        String format;

        @Option(names = "--model-name", defaultValue = "detector", description = "Name of the detector bundle.")
        String modelName;

        @Override
        public Integer call() throws IOException {
            if (!List.of("csv", "jsonl", "both").contains(format)) {
                throw new ConfigurationException("--format was \"" + format + "\" but it must be csv, jsonl or both");
            }
            CsvRowSource rows = input.open();
            ReviewQueue queue = ReviewQueue.builder().budget(budget).nearThresholdShare(nearThresholdShare).seed(seed)
                    .build();
            output.progress("Fitting " + detector + " on " + input.file + " ...");
            DetectorModel model = detector().fit(rows);
            Path bundlePath = out.resolve("detector-bundle");
            if (Files.exists(bundlePath)) {
                throw new StorageException("Cannot write the detector bundle to " + bundlePath
                        + ": it already exists; choose another --out");
            }
            ModelBundle bundle = model.toBundle(modelName, "seed-" + seed).writeTo(bundlePath);
            output.progress("Scoring " + model.fitReport().rowsRead() + " rows ...");
            double[] scores = model.scoreAll(rows);
            PseudoLabels pseudo = PseudoLabeler.threshold(model.threshold()).label(scores);
            List<ReviewQueue.Pick> picks = queue.select(scores, model.threshold());
            Map<Integer, ReviewQueue.Reason> picked = new HashMap<>();
            for (ReviewQueue.Pick pick : picks) {
                picked.put(pick.row(), pick.reason());
            }

            Path storePath = store != null ? store : out.resolve("labels.jsonl");
            String author = model.detector() + "@" + bundle.checksum().substring(0, 12);
            Instant now = Clock.systemUTC().instant();
            LabelStore labels = LabelStore.open(storePath);
            Map<Integer, ReviewItem> items = new HashMap<>();
            List<Label> chunk = new ArrayList<>();
            int[] added = {0};
            rows.forEachRecord((row, id, features, context) -> {
                int index = (int) row;
                ReviewQueue.Reason reason = picked.get(index);
                if (reason != null) {
                    items.put(index, new ReviewItem(id, scores[index], pseudo.label(index), pseudo.confidence(index),
                            reason, features, context));
                }
                chunk.add(new Label(id, pseudo.label(index), LabelSource.PSEUDO, author, now,
                        pseudo.confidence(index), ""));
                if (chunk.size() == 50_000) {
                    added[0] += labels.append(chunk, "pseudo-labels of " + input.file.getFileName()).added();
                    chunk.clear();
                }
            });
            added[0] += labels.append(chunk, "pseudo-labels of " + input.file.getFileName()).added();
            // The queue's priority order: nearest the threshold first, then the stratified sample.
            List<ReviewItem> sorted = new ArrayList<>(picks.size());
            for (ReviewQueue.Pick pick : picks) {
                sorted.add(items.get(pick.row()));
            }
            List<String> files = new ArrayList<>();
            if (!format.equals("jsonl")) {
                Path csv = out.resolve("review.csv");
                ReviewFiles.writeCsv(sorted, rows.schema(), csv);
                files.add(csv.toString());
            }
            if (!format.equals("csv")) {
                Path jsonl = out.resolve("review.jsonl");
                ReviewFiles.writeJsonl(sorted, rows.schema(), jsonl);
                files.add(jsonl.toString());
            }

            ObjectNode document = output.object();
            document.put("rows", scores.length);
            document.put("rowsUsedForFit", model.fitReport().rowsUsed());
            document.put("rowsQuarantined", model.fitReport().quarantined());
            document.put("flagged", pseudo.flagged());
            document.put("reviewItems", sorted.size());
            document.put("threshold", model.threshold());
            document.put("bundle", bundlePath.toString());
            document.put("bundleChecksum", bundle.checksum());
            document.put("store", storePath.toString());
            document.put("pseudoLabelsAdded", added[0]);
            ArrayNode reviewFiles = document.putArray("reviewFiles");
            files.forEach(reviewFiles::add);
            output.print(document, String.format("Flagged %d of %d rows (threshold %.6f); %d to review in %s;"
                    + " %d pseudo-labels stored in %s; detector bundle %s", pseudo.flagged(), scores.length,
                    model.threshold(), sorted.size(), String.join(" and ", files), added[0], storePath, bundlePath));
            return 0;
        }

        private AnomalyDetector detector() {
            Contamination setting = Contamination.parse(contamination);
            int cores = threads != null ? threads : Runtime.getRuntime().availableProcessors();
            return switch (detector) {
                case "isolation-forest" -> IsolationForest.builder().trees(trees).contamination(setting).seed(seed)
                        .threads(cores).build();
                case "one-class-svm" -> OneClassSvm.builder().contamination(setting).seed(seed).build();
                default -> throw new ConfigurationException("--detector was \"" + detector
                        + "\" but it must be isolation-forest or one-class-svm");
            };
        }
    }

    /** Weight options shared by import and training-set. */
    static final class Weights {
        @Option(names = "--human-weight", defaultValue = "5.0", description = "Weight of a human label (default: ${DEFAULT-VALUE}).")
        double human;

        @Option(names = "--pseudo-weight", defaultValue = "1.0",
                description = "Weight of a pseudo-label, times its confidence (default: ${DEFAULT-VALUE}).")
        double pseudo;

        @Option(names = "--exclude-conflicts", description = "Leave out rows whose human labels disagree.")
        boolean excludeConflicts;
    }

    @Command(name = "import", mixinStandardHelpOptions = true,
            description = "Store reviewed labels (append only; importing a file again adds nothing) and optionally "
                    + "write the training set.")
    static final class Import implements Callable<Integer> {
        @Mixin
        Output output;

        @Parameters(paramLabel = "REVIEWED", arity = "1..*", description = "Reviewed CSV or JSONL files.")
        List<Path> reviewed;

        @Option(names = "--store", required = true, paramLabel = "FILE", description = "The label store.")
        Path store;

        @Option(names = "--reviewer", defaultValue = "${env:USER:-unknown}",
                description = "Reviewer of rows whose reviewer column is empty (default: ${DEFAULT-VALUE}).")
        String reviewer;

        @Option(names = "--training-set", paramLabel = "FILE",
                description = "Also write the training set (CSV) from --input and the store.")
        Path trainingSet;

        @CommandLine.ArgGroup(exclusive = false)
        Input input;

        @Mixin
        Weights weights;

        @Override
        public Integer call() {
            LabelStore labels = LabelStore.open(store);
            ObjectNode document = output.object();
            ArrayNode imports = document.putArray("imports");
            StringBuilder text = new StringBuilder();
            for (Path file : reviewed) {
                ReviewFiles.Reviewed read = ReviewFiles.read(file, reviewer, Clock.systemUTC());
                ImportResult result = labels.append(read.labels(), file.getFileName().toString());
                ObjectNode node = imports.addObject();
                node.put("file", file.toString());
                node.put("rows", read.rows());
                node.put("unreviewed", read.unreviewed());
                node.put("added", result.added());
                node.put("duplicates", result.duplicates());
                node.put("transaction", result.transaction());
                ArrayNode conflicts = node.putArray("conflicts");
                for (LabelConflict conflict : result.conflicts()) {
                    conflicts.add(conflict.toString());
                }
                text.append(String.format("%s: %d labels added, %d already stored, %d rows not reviewed%n", file,
                        result.added(), result.duplicates(), read.unreviewed()));
                for (LabelConflict conflict : result.conflicts()) {
                    text.append("  conflict: ").append(conflict).append('\n');
                }
            }
            if (trainingSet != null) {
                if (input == null) {
                    throw new ConfigurationException("--training-set needs --input (the rows the labels refer to)");
                }
                TrainingSet set = TrainingSetCommand.build(input, labels, weights);
                set.writeCsv(trainingSet);
                writeMetadata(set, trainingSet);
                document.set("trainingSet", TrainingSetCommand.describe(output, set, trainingSet));
                text.append(TrainingSetCommand.summary(set, trainingSet));
            }
            output.print(document, text.toString().strip());
            return 0;
        }
    }

    @Command(name = "training-set", mixinStandardHelpOptions = true,
            description = "Write the weighted training set: every row with a label in effect (human over pseudo).")
    static final class TrainingSetCommand implements Callable<Integer> {
        @Mixin
        Output output;

        @CommandLine.ArgGroup(exclusive = false, multiplicity = "1")
        Input input;

        @Option(names = "--store", required = true, paramLabel = "FILE", description = "The label store.")
        Path store;

        @Option(names = "--out", required = true, paramLabel = "FILE",
                description = "Training set CSV; its metadata (counts, weights) goes to FILE.metadata.json.")
        Path out;

        @Mixin
        Weights weights;

        @Override
        public Integer call() {
            TrainingSet set = build(input, LabelStore.open(store), weights);
            set.writeCsv(out);
            writeMetadata(set, out);
            output.print(describe(output, set, out), summary(set, out).strip());
            return 0;
        }

        static TrainingSet build(Input input, LabelStore store, Weights weights) {
            CsvRowSource rows = input.open();
            List<String> ids = new ArrayList<>();
            rows.forEachRecord((row, id, features, context) -> ids.add(id));
            return TrainingSet.builder()
                    .rows(rows, row -> ids.get((int) row))
                    .labels(store)
                    .humanWeight(weights.human)
                    .importedWeight(weights.human)
                    .pseudoWeight(weights.pseudo)
                    .excludeConflicts(weights.excludeConflicts)
                    .build();
        }

        static ObjectNode describe(Output output, TrainingSet set, Path file) {
            ObjectNode node = output.object();
            node.put("file", file.toString());
            node.put("metadataFile", metadataFile(file).toString());
            ObjectNode metadata = node.putObject("metadata");
            set.metadata().forEach(metadata::put);
            return node;
        }

        static String summary(TrainingSet set, Path file) {
            Map<String, String> m = set.metadata();
            return String.format("Training set %s: %s rows (%s human, %s imported, %s pseudo; %s unlabelled rows left out;"
                    + " %s conflicts); weights human %s, pseudo %s%s%n", file, m.get("labels.rows"), m.get("labels.human"),
                    m.get("labels.imported"), m.get("labels.pseudo"), m.get("labels.unlabelled"),
                    m.get("labels.conflicts"), m.get("labels.weight.human"), m.get("labels.weight.pseudo"),
                    Boolean.parseBoolean(m.get("labels.weight.pseudo_by_confidence")) ? " × confidence" : "");
        }
    }

    @Command(name = "status", mixinStandardHelpOptions = true,
            description = "Count the labels in a store by source and list conflicting human labels.")
    static final class Status implements Callable<Integer> {
        @Mixin
        Output output;

        @Option(names = "--store", required = true, paramLabel = "FILE", description = "The label store.")
        Path store;

        @Override
        public Integer call() {
            LabelStore labels = LabelStore.open(store);
            Map<String, Label> effective = labels.effective();
            Map<LabelSource, Integer> bySource = new java.util.EnumMap<>(LabelSource.class);
            for (Label label : effective.values()) {
                bySource.merge(label.source(), 1, Integer::sum);
            }
            List<LabelConflict> conflicts = labels.conflicts();
            ObjectNode document = output.object();
            document.put("labels", labels.labels().size());
            document.put("transactions", labels.transactions());
            document.put("rows", effective.size());
            ObjectNode sources = document.putObject("rowsBySource");
            for (LabelSource source : LabelSource.values()) {
                sources.put(source.wireName(), bySource.getOrDefault(source, 0));
            }
            ArrayNode list = document.putArray("conflicts");
            StringBuilder text = new StringBuilder(String.format("%d labels in %d transactions; %d rows labelled"
                    + " (human %d, imported %d, pseudo %d); %d conflicts", labels.labels().size(), labels.transactions(),
                    effective.size(), bySource.getOrDefault(LabelSource.HUMAN, 0),
                    bySource.getOrDefault(LabelSource.IMPORTED, 0), bySource.getOrDefault(LabelSource.PSEUDO, 0),
                    conflicts.size()));
            for (LabelConflict conflict : conflicts) {
                list.add(conflict.toString());
                text.append('\n').append("  ").append(conflict);
            }
            output.print(document, text.toString());
            return 0;
        }
    }

    static Path metadataFile(Path trainingSet) {
        return trainingSet.resolveSibling(trainingSet.getFileName() + ".metadata.json");
    }

    static void writeMetadata(TrainingSet set, Path trainingSet) {
        try {
            ObjectNode node = Output.mapper().createObjectNode();
            set.metadata().forEach(node::put);
            Files.writeString(metadataFile(trainingSet), Output.mapper().writeValueAsString(node) + "\n",
                    StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new StorageException("Cannot write " + metadataFile(trainingSet) + ": " + e.getMessage(), e);
        }
    }
}
