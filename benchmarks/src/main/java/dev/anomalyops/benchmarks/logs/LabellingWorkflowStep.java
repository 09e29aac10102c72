package dev.anomalyops.benchmarks.logs;

import dev.anomalyops.core.FeatureSchema;
import dev.anomalyops.core.StorageException;
import dev.anomalyops.core.scoring.FeatureBatch;
import dev.anomalyops.train.RowSource;
import dev.anomalyops.train.detect.DetectorModel;
import dev.anomalyops.train.detect.IsolationForest;
import dev.anomalyops.train.label.ImportResult;
import dev.anomalyops.train.label.Label;
import dev.anomalyops.train.label.LabelSource;
import dev.anomalyops.train.label.LabelStore;
import dev.anomalyops.train.label.PseudoLabeler;
import dev.anomalyops.train.label.PseudoLabels;
import dev.anomalyops.train.label.ReviewQueue;
import dev.anomalyops.train.label.TrainingSet;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * The semi-supervised step of {@code ./bench hdfs} on anomaly-train's labelling workflow, the same one
 * {@code ./bench smd} and {@code anomalyops label} use:
 * <ol>
 *   <li>fit anomaly-train's {@link IsolationForest} (scikit-learn's defaults: 100 trees, {@code max_samples}
 *       auto, {@code contamination} auto, i.e. flag scores above 0.5) on the unlabelled training vectors and
 *       score them;</li>
 *   <li>let a {@link ReviewQueue} (its defaults: 70% of the budget nearest the threshold, the rest stratified
 *       at random) pick {@code floor(budget × flagged)} flagged blocks, whose labels the reviewer reveals;</li>
 *   <li>pseudo-label every training block with {@link PseudoLabeler} at the forest's threshold, put pseudo and
 *       human labels in a {@link LabelStore} (human labels win) and build the weighted {@link TrainingSet}
 *       (human 5, pseudo 1 × confidence);</li>
 *   <li>train XGBoost (the runner's supervised settings) on it and predict the test blocks at 0.5.</li>
 * </ol>
 * Nothing here is tuned to HDFS: the settings are the library defaults.
 */
public final class LabellingWorkflowStep implements SemiSupervisedStep {
    private static final String REVIEWER = "simulated-reviewer";

    private final Clock clock;

    /** @param clock stamps the labels */
    public LabellingWorkflowStep(Clock clock) {
        this.clock = clock;
    }

    @Override
    public String name() {
        return "anomaly-train: IsolationForest (contamination auto) + ReviewQueue + PseudoLabeler + TrainingSet"
                + " (human 5, pseudo 1 x confidence) + XGBoost";
    }

    @Override
    public Outcome run(float[][] train, ReviewerFactory reviewers, double reviewBudget, float[][] test, int seed)
            throws Exception {
        int columns = train.length == 0 ? 0 : train[0].length;
        FeatureSchema schema = FeatureSchema.unnamed(columns);
        FeatureBatch trainBatch = batch(schema, train);
        DetectorModel forest = IsolationForest.builder().seed(seed).build().fit(RowSource.of(trainBatch));
        double threshold = forest.threshold();
        double[] scores = new double[train.length];
        forest.score(trainBatch, scores);
        int flagged = 0;
        for (double score : scores) {
            flagged += score >= threshold ? 1 : 0;
        }

        ReviewQueue queue = ReviewQueue.builder().budget(reviewBudget).seed(seed).build();
        List<ReviewQueue.Pick> picks = queue.select(scores, threshold);
        Reviewer reviewer = reviewers.reviewer(flagged);
        Instant now = clock.instant();
        List<Label> revealed = new ArrayList<>(picks.size());
        int anomalies = 0;
        for (ReviewQueue.Pick pick : picks) {
            int label = reviewer.label(pick.row());
            anomalies += label;
            revealed.add(Label.human(id(pick.row()), label, REVIEWER, now));
        }
        PseudoLabels pseudo = PseudoLabeler.threshold(threshold).label(scores);
        TrainingSet set = trainingSet(trainBatch, pseudo, revealed, now);
        if (set.count(LabelSource.HUMAN) != revealed.size() || set.size() != train.length) {
            throw new IllegalStateException("The training set has " + set.count(LabelSource.HUMAN) + " human labels of "
                    + revealed.size() + " and " + set.size() + " rows of " + train.length);
        }

        int[] predictions = new int[test.length];
        int[] detector = new int[test.length];
        Xgboost model = Xgboost.train(rows(set.rows()), set.labels(), set.weights(), seed);
        try {
            double[] probabilities = model.predict(test);
            for (int i = 0; i < test.length; i++) {
                predictions[i] = probabilities[i] >= 0.5 ? 1 : 0;
            }
        } finally {
            model.dispose();
        }
        double[] testScores = new double[test.length];
        forest.score(batch(schema, test), testScores);
        for (int i = 0; i < test.length; i++) {
            detector[i] = testScores[i] >= threshold ? 1 : 0;
        }
        return new Outcome(flagged, revealed.size(), anomalies, predictions, detector);
    }

    private TrainingSet trainingSet(FeatureBatch rows, PseudoLabels pseudo, List<Label> revealed, Instant now) {
        Path directory = null;
        try {
            directory = Files.createTempDirectory("anomalyops-hdfs-labels-");
            LabelStore store = LabelStore.open(directory.resolve("labels.jsonl"), clock);
            store.append(pseudo.toLabels(LabellingWorkflowStep::id, "isolation-forest", now), "pseudo-labels");
            ImportResult review = store.append(revealed, "simulated review");
            if (review.added() != revealed.size()) {
                throw new IllegalStateException("The label store kept " + review.added() + " of " + revealed.size()
                        + " revealed labels");
            }
            return TrainingSet.builder().rows(RowSource.of(rows), row -> id((int) row)).labels(store).build();
        } catch (IOException e) {
            throw new StorageException("Cannot create a temporary label store: " + e.getMessage(), e);
        } finally {
            delete(directory);
        }
    }

    private static String id(int row) {
        return "train-" + row;
    }

    private static FeatureBatch batch(FeatureSchema schema, float[][] rows) {
        int d = schema.size();
        float[] values = new float[rows.length * d];
        for (int r = 0; r < rows.length; r++) {
            System.arraycopy(rows[r], 0, values, r * d, d);
        }
        return FeatureBatch.wrap(schema, values, rows.length);
    }

    private static float[][] rows(FeatureBatch batch) {
        int d = batch.columns();
        float[] values = batch.values();
        float[][] rows = new float[batch.rows()][];
        for (int r = 0; r < rows.length; r++) {
            rows[r] = java.util.Arrays.copyOfRange(values, r * d, (r + 1) * d);
        }
        return rows;
    }

    private static void delete(Path directory) {
        if (directory == null) {
            return;
        }
        try (Stream<Path> files = Files.walk(directory)) {
            for (Path path : files.sorted((a, b) -> b.compareTo(a)).toList()) {
                Files.deleteIfExists(path);
            }
        } catch (IOException e) {
            // A leftover temporary directory is harmless.
        }
    }
}
