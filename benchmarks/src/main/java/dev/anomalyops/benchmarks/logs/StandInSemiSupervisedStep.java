package dev.anomalyops.benchmarks.logs;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;

/**
 * STAND-IN, to be replaced after issue 4 is merged: the semi-supervised step of {@code ./bench hdfs} built on
 * {@link StandInIsolationForest}, with the labelling policy issue 4 describes, reduced to its core:
 * <ol>
 *   <li>fit the Isolation Forest (100 trees, 256 samples) on the unlabelled training vectors and flag the
 *       samples scoring above 0.5 ({@code contamination='auto'});</li>
 *   <li>review {@code ceil(0.2 * flagged)} of the flagged samples: half the ones scored nearest the threshold
 *       (the most informative), half drawn at random from the other flagged ones (so reviewers see confident ones
 *       too);</li>
 *   <li>label the training set: reviewed samples with their human label (weight 5), other flagged samples 1 and
 *       unflagged samples 0 (pseudo-labels, weight 1);</li>
 *   <li>train XGBoost (the runner's settings) on these labels and predict the test samples at 0.5.</li>
 * </ol>
 * To wire the real pipeline, implement {@link SemiSupervisedStep} with anomaly-train's {@code IsolationForest}
 * (same settings), {@code PseudoLabeler} (contamination auto), {@code ReviewQueue} (20% of the flagged, its
 * default selection) and its training-set builder (its human/pseudo weights), and pass it to the runner instead
 * of this class.
 */
public final class StandInSemiSupervisedStep implements SemiSupervisedStep {
    /** Weight of a human label relative to a pseudo-label. */
    static final float HUMAN_WEIGHT = 5f;

    @Override
    public String name() {
        return "stand-in: minimal Isolation Forest (auto threshold) + 20% review + XGBoost on human and pseudo labels";
    }

    @Override
    public Outcome run(float[][] train, ReviewerFactory reviewers, double reviewBudget, float[][] test, int seed)
            throws Exception {
        StandInIsolationForest forest = StandInIsolationForest.fit(train, 100, 256, seed);
        double[] scores = new double[train.length];
        List<Integer> flagged = new ArrayList<>();
        for (int i = 0; i < train.length; i++) {
            scores[i] = forest.score(train[i]);
            if (scores[i] > 0.5) {
                flagged.add(i);
            }
        }
        Reviewer reviewer = reviewers.reviewer(flagged.size());
        int questions = reviewer.remaining();
        List<Integer> byUncertainty = new ArrayList<>(flagged);
        byUncertainty.sort(Comparator.comparingDouble((Integer i) -> Math.abs(scores[i] - 0.5)).thenComparingInt(i -> i));
        int nearThreshold = questions / 2 + questions % 2;
        List<Integer> chosen = new ArrayList<>(byUncertainty.subList(0, Math.min(nearThreshold, byUncertainty.size())));
        List<Integer> rest = new ArrayList<>(byUncertainty.subList(chosen.size(), byUncertainty.size()));
        SplittableRandom random = new SplittableRandom(seed);
        while (chosen.size() < questions && !rest.isEmpty()) {
            chosen.add(rest.remove(random.nextInt(rest.size())));
        }
        int[] labels = new int[train.length];
        float[] weights = new float[train.length];
        java.util.Arrays.fill(weights, 1f);
        for (int i : flagged) {
            labels[i] = 1;
        }
        int anomalies = 0;
        for (int i : chosen) {
            labels[i] = reviewer.label(i);
            weights[i] = HUMAN_WEIGHT;
            anomalies += labels[i];
        }
        int[] predictions = new int[test.length];
        int[] detector = new int[test.length];
        Xgboost model = Xgboost.train(train, labels, weights, seed);
        try {
            double[] probabilities = model.predict(test);
            for (int i = 0; i < test.length; i++) {
                predictions[i] = probabilities[i] >= 0.5 ? 1 : 0;
                detector[i] = forest.score(test[i]) > 0.5 ? 1 : 0;
            }
        } finally {
            model.dispose();
        }
        return new Outcome(flagged.size(), chosen.size(), anomalies, predictions, detector);
    }
}
