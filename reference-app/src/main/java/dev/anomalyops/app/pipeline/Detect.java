package dev.anomalyops.app.pipeline;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.anomalyops.core.model.ModelBundle;
import dev.anomalyops.drift.ProfileOptions;
import dev.anomalyops.drift.ReferenceProfile;
import dev.anomalyops.train.RowSource;
import dev.anomalyops.train.detect.Contamination;
import dev.anomalyops.train.detect.DetectorModel;
import dev.anomalyops.train.detect.IsolationForest;
import dev.anomalyops.train.eval.Evaluation;
import dev.anomalyops.train.label.Label;
import dev.anomalyops.train.label.LabelSource;
import dev.anomalyops.train.label.LabelStore;
import dev.anomalyops.train.label.PseudoLabeler;
import dev.anomalyops.train.label.PseudoLabels;
import dev.anomalyops.train.label.ReviewQueue;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The detect step: fits an Isolation Forest on the (unlabelled) training features, scores the test features,
 * pseudo-labels every test row into the label store, picks the review queue (a share of the flagged rows) and,
 * when {@code review.answer-from-labels} is set, answers it from the dataset's labels as a reviewer would, storing
 * those answers as human labels. Writes the detector bundle (with its drift reference profile) and evaluates the
 * scores against the labels.
 */
public final class Detect {
    /** Who answers the review queue in the demo. */
    public static final String DATASET_REVIEWER = "dataset-labels";

    private Detect() {}

    /**
     * @param model the fitted detector
     * @param bundle its bundle (with the drift reference profile)
     * @param trainScores scores of the training rows
     * @param testScores scores of the test rows
     * @param evaluation scores against the test labels
     * @param review what the review queue got and what the answers said
     * @param labelStore the label store written
     */
    public record Result(DetectorModel model, ModelBundle bundle, double[] trainScores, double[] testScores,
            Evaluation evaluation, Review review, Path labelStore) {
        /** @return a JSON summary */
        public ObjectNode toJson() {
            ObjectNode node = JsonNodeFactory.instance.objectNode();
            node.put("detector", model.detector());
            node.put("threshold", model.threshold());
            node.put("trainRows", trainScores.length);
            node.put("testRows", testScores.length);
            node.put("bundle", bundle.directory().toString());
            node.put("bundleChecksum", bundle.checksum());
            ObjectNode metrics = node.putObject("metrics");
            evaluation.figures("").forEach((k, v) -> metrics.put(k, v.doubleValue()));
            node.set("review", review.toJson());
            node.put("labelStore", labelStore.toString());
            return node;
        }
    }

    /**
     * @param flagged test rows at or above the threshold
     * @param queued rows put in the review queue
     * @param answered queued rows answered (from the dataset's labels in the demo)
     * @param confirmed answered rows that are anomalies
     * @param pseudoLabels pseudo-labels stored
     * @param humanLabels human labels stored
     */
    public record Review(int flagged, int queued, int answered, int confirmed, int pseudoLabels, int humanLabels) {
        /** @return a JSON summary */
        public ObjectNode toJson() {
            ObjectNode node = JsonNodeFactory.instance.objectNode();
            node.put("flagged", flagged).put("queued", queued).put("answered", answered).put("confirmed", confirmed)
                    .put("pseudoLabels", pseudoLabels).put("humanLabels", humanLabels);
            return node;
        }
    }

    /**
     * @param config the configuration
     * @param train the training features
     * @param test the test features (labelled)
     * @param workspace the work directory
     * @param clock time of the labels
     * @param progress progress lines
     * @return the fitted detector, scores, labels and evaluation
     */
    public static Result run(PipelineConfig config, FeatureTable train, FeatureTable test, Workspace workspace,
            Clock clock, Progress progress) {
        PipelineConfig.Detector settings = config.detector();
        IsolationForest forest = IsolationForest.builder().trees(settings.trees())
                .contamination(Contamination.parse(settings.contamination())).seed(settings.seed())
                .threads(settings.threads() > 0 ? settings.threads() : Runtime.getRuntime().availableProcessors())
                .build();
        progress.line(String.format("  fitting Isolation Forest (%d trees) on %,d rows x %d features", settings.trees(),
                train.rows(), train.schema().size()));
        DetectorModel model = forest.fit(RowSource.of(train.batch()));
        double[] trainScores = scoreInChunks(model, train, "scoring training rows", progress);
        double[] testScores = scoreInChunks(model, test, "scoring test rows", progress);

        ReferenceProfile profile = ReferenceProfile.learn(train.batch(), trainScores, ProfileOptions.defaults());
        Path dir = Workspace.prepare(workspace.detector().resolve("bundle"));
        Workspace.deleteTree(dir);
        ModelBundle bundle = profile.addTo(model.toBundle(config.model(), "seed-" + settings.seed()))
                .metadata("pipeline.feature_spec", "features.windows=" + config.features().windows()
                        + " stats=" + config.features().stats() + " diffs=" + config.features().diffs())
                .createdAt(clock.instant())
                .writeTo(dir);

        int[] labels = test.labels();
        Evaluation evaluation = Evaluation.of(testScores, model.threshold(), labels);
        PseudoLabels pseudo = PseudoLabeler.threshold(model.threshold()).label(testScores);
        List<ReviewQueue.Pick> picks = ReviewQueue.builder().budget(config.review().budget()).seed(settings.seed())
                .build().select(testScores, model.threshold());

        Instant now = clock.instant();
        String author = model.detector() + "@" + bundle.checksum().substring(0, 12);
        List<Label> stored = new ArrayList<>(test.rows());
        for (int r = 0; r < test.rows(); r++) {
            stored.add(new Label(rowId(test, r), pseudo.label(r), LabelSource.PSEUDO, author, now,
                    pseudo.confidence(r), ""));
        }
        int confirmed = 0;
        List<Label> answers = new ArrayList<>();
        if (config.review().answerFromLabels()) {
            for (ReviewQueue.Pick pick : picks) {
                int value = labels[pick.row()];
                confirmed += value;
                answers.add(Label.human(rowId(test, pick.row()), value, DATASET_REVIEWER, now));
            }
        }
        Path storePath = workspace.labels();
        try (LabelStore store = LabelStore.open(storePath, clock)) {
            store.append(stored, "pseudo-labels of the test split by " + author);
            if (!answers.isEmpty()) {
                store.append(answers, "review queue answered from the dataset's labels");
            }
        }
        Review review = new Review(pseudo.flagged(), picks.size(), answers.size(), confirmed, stored.size(),
                answers.size());
        progress.line(String.format("  flagged %,d of %,d test rows; review queue %,d rows, answered from the dataset's"
                + " labels: %,d anomalies, %,d false alarms", pseudo.flagged(), test.rows(), picks.size(), confirmed,
                answers.size() - confirmed));
        return new Result(model, bundle, trainScores, testScores, evaluation, review, storePath);
    }

    /** @return the label-store id of a feature row: {@code instance@timestamp} */
    static String rowId(FeatureTable table, int row) {
        return table.instances()[row] + "@" + Instant.ofEpochMilli(table.timestamps()[row]);
    }

    static double[] scoreInChunks(DetectorModel model, FeatureTable table, String what, Progress progress) {
        double[] scores = new double[table.rows()];
        int chunk = Math.max(4096, table.rows() / 4 + 1);
        double[] buffer = new double[chunk];
        for (int first = 0; first < table.rows(); first += chunk) {
            int end = Math.min(table.rows(), first + chunk);
            FeatureTable part = table.slice(first, end);
            model.score(part.batch(), buffer);
            System.arraycopy(buffer, 0, scores, first, end - first);
            progress.bar(what, end, table.rows());
        }
        return scores;
    }

    /**
     * The precision-recall curve of scores against labels: one point per distinct score, thinned to at most
     * {@code maxPoints}.
     *
     * @param scores scores, higher = more anomalous
     * @param labels 0/1 labels
     * @param maxPoints most points returned
     * @return points as {recall, precision, threshold}
     */
    public static List<double[]> prCurve(double[] scores, int[] labels, int maxPoints) {
        Integer[] order = new Integer[scores.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        java.util.Arrays.sort(order, (a, b) -> Double.compare(scores[b], scores[a]));
        int positives = 0;
        for (int label : labels) {
            positives += label;
        }
        List<double[]> points = new ArrayList<>();
        if (positives == 0) {
            return points;
        }
        int tp = 0;
        for (int i = 0; i < order.length; i++) {
            tp += labels[order[i]];
            boolean last = i + 1 == order.length || scores[order[i + 1]] != scores[order[i]];
            if (last) {
                points.add(new double[] {(double) tp / positives, (double) tp / (i + 1), scores[order[i]]});
            }
        }
        if (points.size() <= maxPoints) {
            return points;
        }
        List<double[]> thinned = new ArrayList<>(maxPoints);
        for (int k = 0; k < maxPoints; k++) {
            thinned.add(points.get((int) ((long) k * (points.size() - 1) / (maxPoints - 1))));
        }
        return thinned;
    }

    /** @return hyper-parameters and settings for reports */
    static Map<String, String> settings(PipelineConfig config) {
        return Map.of("trees", Integer.toString(config.detector().trees()), "contamination",
                config.detector().contamination(), "seed", Long.toString(config.detector().seed()));
    }
}
