package dev.anomalyops.benchmarks.smd;

import dev.anomalyops.core.StorageException;
import dev.anomalyops.core.scoring.FeatureBatch;
import dev.anomalyops.train.RowSource;
import dev.anomalyops.train.detect.AnomalyDetector;
import dev.anomalyops.train.detect.DetectorModel;
import dev.anomalyops.train.label.ImportResult;
import dev.anomalyops.train.label.Label;
import dev.anomalyops.train.label.LabelStore;
import dev.anomalyops.train.label.PseudoLabeler;
import dev.anomalyops.train.label.PseudoLabels;
import dev.anomalyops.train.label.ReviewQueue;
import dev.anomalyops.train.label.TrainingSet;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.stream.Stream;

/**
 * The semi-supervised labelling stage of the SMD protocol, on the train file and the production half only:
 * fit the detector on the unlabelled train rows, score the production half, flag rows at the detector's
 * threshold, let the review queue pick at most the budget of the flagged rows, have the
 * {@link SimulatedReviewer} reveal their labels, pseudo-label every production row, store both in a
 * {@link LabelStore}, and assemble the weighted {@link TrainingSet} of the production half. Never looks at
 * the evaluation half.
 */
public final class LabellingStage {
    private final AnomalyDetector detector;
    private final ReviewQueue queue;
    private final double humanWeight;
    private final double pseudoWeight;
    private final Clock clock;

    /**
     * @param detector the unsupervised detector
     * @param queue picks the rows to review
     * @param humanWeight training weight of a revealed label
     * @param pseudoWeight training weight of a pseudo-label (times its confidence)
     * @param clock stamps labels
     */
    public LabellingStage(AnomalyDetector detector, ReviewQueue queue, double humanWeight, double pseudoWeight,
            Clock clock) {
        this.detector = Objects.requireNonNull(detector, "detector");
        this.queue = Objects.requireNonNull(queue, "queue");
        this.humanWeight = humanWeight;
        this.pseudoWeight = pseudoWeight;
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /**
     * What the stage produced.
     *
     * @param model the fitted detector
     * @param productionScores the detector's score of every production row
     * @param flagged production rows at or above the threshold
     * @param picks the rows the queue chose for review
     * @param revealed the labels the reviewer revealed
     * @param pseudoLabels the pseudo-labels of every production row
     * @param trainingSet the production rows with their labels in effect and weights
     * @param fitSeconds detector fit time
     * @param scoreSeconds time to score the production half
     * @param labellingSeconds time for queue, review, label store and training set
     */
    public record Outcome(DetectorModel model, double[] productionScores, int flagged, List<ReviewQueue.Pick> picks,
            List<Label> revealed, PseudoLabels pseudoLabels, TrainingSet trainingSet, double fitSeconds,
            double scoreSeconds, double labellingSeconds) {

        /** @return labels revealed divided by production rows flagged (0 when nothing was flagged) */
        public double humanLabelFraction() {
            return flagged == 0 ? 0.0 : (double) revealed.size() / flagged;
        }

        /** @return revealed labels that say anomaly */
        public long revealedAnomalies() {
            return revealed.stream().filter(Label::isAnomaly).count();
        }
    }

    /**
     * @param split the machine's protocol split
     * @return the outcome
     */
    public Outcome run(SmdSplit split) {
        long started = System.nanoTime();
        DetectorModel model = detector.fit(RowSource.of(split.train()));
        long fitted = System.nanoTime();
        FeatureBatch production = split.production();
        double[] scores = new double[production.rows()];
        model.score(production, scores);
        long scored = System.nanoTime();

        double threshold = model.threshold();
        int flagged = 0;
        for (double score : scores) {
            flagged += score >= threshold ? 1 : 0;
        }
        List<ReviewQueue.Pick> picks = queue.select(scores, threshold);
        SimulatedReviewer reviewer = split.reviewer(queue.budgetFor(flagged));
        List<Integer> rows = new ArrayList<>(picks.size());
        for (ReviewQueue.Pick pick : picks) {
            rows.add(pick.row());
        }
        Instant now = clock.instant();
        List<Label> revealed = reviewer.review(rows, now);
        PseudoLabels pseudo = PseudoLabeler.threshold(threshold).label(scores);
        String author = model.detector() + "@" + shortHash(model.toBytes());

        Path directory = null;
        try {
            directory = Files.createTempDirectory("anomalyops-smd-labels-");
            LabelStore store = LabelStore.open(directory.resolve("labels.jsonl"), clock);
            store.append(pseudo.toLabels(split::productionId, author, now), "pseudo-labels of " + split.machine());
            ImportResult review = store.append(revealed, "simulated review of " + split.machine());
            if (review.added() != revealed.size()) {
                throw new IllegalStateException("The label store kept " + review.added() + " of " + revealed.size()
                        + " revealed labels");
            }
            TrainingSet trainingSet = TrainingSet.builder()
                    .rows(RowSource.of(production), split::productionId)
                    .labels(store)
                    .humanWeight(humanWeight)
                    .pseudoWeight(pseudoWeight)
                    .build();
            long done = System.nanoTime();
            return new Outcome(model, scores, flagged, picks, revealed, pseudo, trainingSet, (fitted - started) / 1e9,
                    (scored - fitted) / 1e9, (done - scored) / 1e9);
        } catch (IOException e) {
            throw new StorageException("Cannot create a temporary label store: " + e.getMessage(), e);
        } finally {
            delete(directory);
        }
    }

    private static String shortHash(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes)).substring(0, 12);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
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
