package dev.anomalyops.benchmarks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.anomalyops.benchmarks.smd.LabellingStage;
import dev.anomalyops.benchmarks.smd.SmdMachine;
import dev.anomalyops.benchmarks.smd.SmdSplit;
import dev.anomalyops.benchmarks.smd.SupervisedStage;
import dev.anomalyops.train.supervised.CandidateResult;
import dev.anomalyops.train.supervised.TrainingData;
import dev.anomalyops.train.supervised.TrainingReport;
import dev.anomalyops.core.scoring.FeatureBatch;
import dev.anomalyops.train.detect.AnomalyDetector;
import dev.anomalyops.train.detect.Contamination;
import dev.anomalyops.train.detect.IsolationForest;
import dev.anomalyops.train.detect.OneClassSvm;
import dev.anomalyops.train.detect.SplitRule;
import dev.anomalyops.train.eval.Evaluation;
import dev.anomalyops.train.label.LabelSource;
import dev.anomalyops.train.label.ReviewQueue;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ./bench smd --data DIR --machine ID [--review-budget 0.2] [--seed 1] [--with-python]}: the SMD
 * protocol of {@link SmdSplit} for one machine. The detector is fitted on the train file, flags the
 * production half, a simulated reviewer reveals at most the review budget of the flagged rows, and the
 * detector alone is evaluated once on the evaluation half. Prints, as the last line, one JSON object that
 * starts with {@code machine}, {@code detector_roc_auc}, {@code detector_f1} and {@code human_label_fraction}
 * (revealed labels ÷ production rows flagged). With {@code --with-python}, scikit-learn's IsolationForest
 * runs on the same rows with the same settings and its figures are added as {@code python_detector_*}.
 *
 * <p>The supervised stage ({@link SupervisedStage}) follows: XGBoost champion and LightGBM challenger trained on the
 * production half's labels (revealed + pseudo) and temporal features, threshold for best F1 on the production half's
 * last 20 %, one evaluation of the evaluation half: {@code f1}, {@code precision}, {@code recall},
 * {@code f1_point_adjusted}, {@code challenger_f1}, {@code train_seconds} (champion fit, wall clock). With
 * {@code --with-python}, python3-xgboost trains on the same rows, labels and weights with the same parameters:
 * {@code python_f1}, {@code python_train_seconds}, ...
 *
 * <p>Stages are separate ({@link LabellingStage}, the detector evaluation, the Python reference) so that a
 * supervised stage can consume {@link LabellingStage.Outcome#trainingSet()} and add its keys to the same
 * object.
 */
@Command(name = "smd", mixinStandardHelpOptions = true,
        description = "Server Machine Dataset protocol: detector, simulated review of the flagged production rows, "
                + "evaluation on the later half of the test period.")
public final class SmdRunner implements Bench.Runner {
    @Option(names = "--data", required = true, paramLabel = "DIR",
            description = "Folder in SMD layout: train/ID.txt[.gz], test/ID.txt[.gz], test_label/ID.txt.")
    Path data;

    @Option(names = "--machine", required = true, paramLabel = "ID", description = "Machine id, e.g. machine-1-2.")
    String machine;

    @Option(names = "--review-budget", defaultValue = "0.2",
            description = "Share of the flagged production rows whose labels are revealed (default ${DEFAULT-VALUE}).")
    double reviewBudget;

    @Option(names = "--seed", defaultValue = "1", description = "Seed of the detector and the review sample.")
    long seed;

    @Option(names = "--with-python", description = "Also run scikit-learn's IsolationForest on the same rows.")
    boolean withPython;

    @Option(names = "--contamination", defaultValue = "auto",
            description = "Detector threshold: auto (scikit-learn's default) or a fraction of training rows.")
    String contamination;

    @Option(names = "--detector", defaultValue = "isolation-forest",
            description = "isolation-forest or one-class-svm (Tribuo).")
    String detector;

    @Option(names = "--trees", defaultValue = "100", description = "Isolation Forest trees (n_estimators).")
    int trees;

    @Option(names = "--split-rule", defaultValue = "AXIS_PARALLEL",
            description = "Isolation Forest cuts: ${COMPLETION-CANDIDATES}.")
    SplitRule splitRule;

    @Option(names = "--threads", description = "Threads for the detector (default: all processors).")
    Integer threads;

    @Option(names = "--no-supervised", description = "Skip the supervised stage (detector figures only).")
    boolean noSupervised;

    @Option(names = "--cv", description = "Also cross-validate the champion on the production half (5 time-ordered folds).")
    boolean crossValidate;

    @Option(names = "--python", defaultValue = "/usr/bin/python3", description = "Python with scikit-learn.")
    Path python;

    @Override
    public ObjectNode call() throws Exception {
        int cores = threads != null ? threads : Runtime.getRuntime().availableProcessors();
        Bench.progress("Loading %s from %s ...", machine, data);
        SmdSplit split = SmdSplit.of(SmdMachine.load(data, machine));
        Bench.progress("%s", split);

        ObjectNode result = Bench.figures();
        result.put("machine", machine);
        // The keys the protocol names come first; their values are filled in below.
        result.putNull("detector_roc_auc");
        result.putNull("detector_f1");
        result.putNull("human_label_fraction");

        LabellingStage.Outcome labelling = new LabellingStage(detector(cores),
                ReviewQueue.builder().budget(reviewBudget).seed(seed).build(), 5.0, 1.0, Clock.systemUTC()).run(split);
        Bench.progress("Detector fitted in %.2f s; %d of %d production rows flagged; %d labels revealed (%d anomalies)",
                labelling.fitSeconds(), labelling.flagged(), split.production().rows(), labelling.revealed().size(),
                labelling.revealedAnomalies());

        long started = System.nanoTime();
        FeatureBatch evaluation = split.evaluation();
        double[] scores = new double[evaluation.rows()];
        labelling.model().score(evaluation, scores);
        double evaluationSeconds = (System.nanoTime() - started) / 1e9;
        Evaluation detectorEvaluation = Evaluation.of(scores, labelling.model().threshold(), split.evaluationLabels());
        put(result, detectorEvaluation.figures("detector_"));
        result.put("human_label_fraction", labelling.humanLabelFraction());

        result.put("detector", labelling.model().detector());
        result.put("detector_threshold", labelling.model().threshold());
        result.put("detector_contamination", labelling.model().contamination().toString());
        result.put("detector_fit_seconds", labelling.fitSeconds());
        result.put("detector_score_seconds", labelling.scoreSeconds() + evaluationSeconds);
        result.put("review_budget", reviewBudget);
        result.put("seed", seed);
        result.put("train_rows", split.train().rows());
        result.put("production_rows", split.production().rows());
        result.put("evaluation_rows", evaluation.rows());
        result.put("evaluation_anomalies", detectorEvaluation.anomalies());
        result.put("flagged_production", labelling.flagged());
        result.put("labels_revealed", labelling.revealed().size());
        result.put("revealed_anomalies", labelling.revealedAnomalies());
        result.put("training_rows", labelling.trainingSet().size());
        result.put("training_human_labels", labelling.trainingSet().count(LabelSource.HUMAN));
        result.put("training_pseudo_labels", labelling.trainingSet().count(LabelSource.PSEUDO));
        result.put("labelling_seconds", labelling.labellingSeconds());

        SupervisedStage.Outcome supervised = null;
        if (!noSupervised) {
            Bench.progress("Training the XGBoost champion and the LightGBM challenger on %d labelled production rows ...",
                    labelling.trainingSet().size());
            supervised = new SupervisedStage(seed, crossValidate).run(split, labelling);
            putSupervised(result, supervised);
        }
        if (withPython) {
            Bench.progress("Running the Python reference (scikit-learn IsolationForest%s) on the same rows ...",
                    supervised == null ? "" : ", python3-xgboost");
            pythonReference(split, supervised, result);
        }
        return result;
    }

    private AnomalyDetector detector(int cores) {
        Contamination setting = Contamination.parse(contamination);
        return switch (detector) {
            case "isolation-forest" -> IsolationForest.builder().trees(trees).contamination(setting).seed(seed)
                    .splitRule(splitRule).threads(cores).build();
            case "one-class-svm" -> OneClassSvm.builder().contamination(setting).seed(seed).build();
            default -> throw new IllegalArgumentException("--detector must be isolation-forest or one-class-svm but was \""
                    + detector + "\"");
        };
    }

    private static void putSupervised(ObjectNode result, SupervisedStage.Outcome outcome) {
        TrainingReport report = outcome.report();
        CandidateResult champion = report.championResult();
        CandidateResult challenger = report.models().size() > 1 ? report.models().get(1) : null;
        result.put("f1", champion.holdout().pointwise().f1());
        result.put("precision", champion.holdout().pointwise().precision());
        result.put("recall", champion.holdout().pointwise().recall());
        result.put("f1_point_adjusted", champion.holdout().pointAdjusted().f1());
        if (challenger == null) {
            result.putNull("challenger_f1");
        } else {
            result.put("challenger_f1", challenger.holdout().pointwise().f1());
        }
        result.put("train_seconds", champion.trainSeconds());
        result.put("roc_auc", champion.holdout().rocAuc());
        result.put("pr_auc", champion.holdout().averagePrecision());
        result.put("threshold", champion.threshold());
        result.put("champion", champion.name());
        result.put("rounds", champion.rounds());
        if (challenger != null) {
            result.put("challenger", challenger.name());
            result.put("challenger_precision", challenger.holdout().pointwise().precision());
            result.put("challenger_recall", challenger.holdout().pointwise().recall());
            result.put("challenger_f1_point_adjusted", challenger.holdout().pointAdjusted().f1());
            result.put("challenger_train_seconds", challenger.trainSeconds());
            result.put("comparison", report.comparisons().get(0).recommendation());
            result.put("comparison_mcnemar_p", report.comparisons().get(0).mcnemarP());
        }
        if (report.crossValidation() != null) {
            report.crossValidation().metrics().forEach(result::put);
        }
        result.put("quality_gates_passed", report.passed());
        TrainingData production = outcome.production();
        result.put("labels_used", production.size());
        result.put("labelled_anomalies", production.positives());
        result.put("features", production.schema().size());
        result.put("feature_seconds", outcome.featureSeconds());
        result.put("supervised_seconds", outcome.stageSeconds());
    }

    private void pythonReference(SmdSplit split, SupervisedStage.Outcome supervised, ObjectNode result)
            throws IOException, InterruptedException {
        Path script = script();
        Path directory = Files.createTempDirectory("anomalyops-smd-python-");
        try {
            Path train = directory.resolve("train.csv");
            Path evaluation = directory.resolve("evaluation.csv");
            Path labels = directory.resolve("evaluation_labels.txt");
            writeCsv(split.train(), train);
            writeCsv(split.evaluation(), evaluation);
            Files.writeString(labels, Arrays.stream(split.evaluationLabels()).mapToObj(Integer::toString)
                    .collect(Collectors.joining("\n", "", "\n")));
            List<String> command = new ArrayList<>(List.of(python.toString(), script.toString(),
                    "--stages", supervised == null ? "detector" : "detector,supervised", "--train", train.toString(), "--evaluation", evaluation.toString(),
                    "--evaluation-labels", labels.toString(), "--seed", Long.toString(seed),
                    "--contamination", contamination, "--n-estimators", Integer.toString(trees)));
            if (supervised != null) {
                TrainingData production = supervised.production();
                writeCsv(production.rows(), directory.resolve("production.csv"));
                writeCsv(supervised.evaluation(), directory.resolve("evaluation_features.csv"));
                StringBuilder labelsText = new StringBuilder();
                StringBuilder weightsText = new StringBuilder();
                for (int i = 0; i < production.size(); i++) {
                    labelsText.append(production.labels()[i]).append('\n');
                    weightsText.append(production.weights()[i]).append('\n');
                }
                Files.writeString(directory.resolve("production_labels.txt"), labelsText);
                Files.writeString(directory.resolve("production_weights.txt"), weightsText);
                command.addAll(List.of("--production", directory.resolve("production.csv").toString(),
                        "--production-labels", directory.resolve("production_labels.txt").toString(),
                        "--production-weights", directory.resolve("production_weights.txt").toString(),
                        "--evaluation-features", directory.resolve("evaluation_features.csv").toString()));
            }
            Path log = directory.resolve("python.log");
            Process process = new ProcessBuilder(command).redirectError(log.toFile()).start();
            String stdout = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            if (!process.waitFor(10, TimeUnit.MINUTES) || process.exitValue() != 0) {
                process.destroyForcibly();
                throw new IOException("The Python reference failed: " + Files.readString(log));
            }
            JsonNode reference = new ObjectMapper().readTree(stdout.substring(stdout.lastIndexOf('\n') + 1));
            reference.fields().forEachRemaining(e -> result.set(e.getKey(), e.getValue()));
        } finally {
            try (Stream<Path> files = Files.walk(directory)) {
                for (Path path : files.sorted((a, b) -> b.compareTo(a)).toList()) {
                    Files.deleteIfExists(path);
                }
            }
        }
    }

    private static Path script() {
        Path classes;
        try {
            classes = Path.of(SmdRunner.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException("Cannot locate the benchmarks classes", e);
        }
        for (Path dir = classes; dir != null; dir = dir.getParent()) {
            Path candidate = dir.resolve("python").resolve("smd_reference.py");
            if (Files.isRegularFile(candidate)) {
                return candidate;
            }
            candidate = dir.resolve("benchmarks").resolve("python").resolve("smd_reference.py");
            if (Files.isRegularFile(candidate)) {
                return candidate;
            }
        }
        throw new IllegalStateException("Cannot find benchmarks/python/smd_reference.py above " + classes);
    }

    private static void writeCsv(FeatureBatch batch, Path file) throws IOException {
        StringBuilder out = new StringBuilder(batch.rows() * batch.columns() * 9);
        float[] values = batch.values();
        int width = batch.columns();
        for (int r = 0; r < batch.rows(); r++) {
            for (int c = 0; c < width; c++) {
                if (c > 0) {
                    out.append(',');
                }
                out.append(values[r * width + c]);
            }
            out.append('\n');
        }
        Files.writeString(file, out);
    }

    private static void put(ObjectNode node, Map<String, Number> figures) {
        figures.forEach((key, value) -> {
            if (value instanceof Double d) {
                node.put(key, d);
            } else {
                node.put(key, value.longValue());
            }
        });
    }
}
