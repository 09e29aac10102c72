package dev.anomalyops.benchmarks.logs;

/**
 * The semi-supervised labelling step of {@code ./bench hdfs}, as a contract between the runner and whatever
 * implements it: an unsupervised detector flags training samples, a reviewer reveals the true label of at most
 * {@code reviewBudget} of the flagged ones, the rest become pseudo-labels, and a classifier trained on these
 * labels scores the held-out test samples.
 *
 * <p>The runner gives the step only the unlabelled training vectors and a {@link Reviewer} that answers at most
 * the budget; the test labels are never passed in. {@link LabellingWorkflowStep} implements it with
 * anomaly-train's labelling workflow.
 */
public interface SemiSupervisedStep {
    /** Reveals true labels, one sample at a time, up to a fixed number of questions. */
    interface Reviewer {
        /**
         * @param trainIndex index of a training sample
         * @return its true label, 0 or 1
         * @throws IllegalStateException when the budget is spent
         */
        int label(int trainIndex);

        /** @return questions left */
        int remaining();
    }

    /**
     * @param flagged training samples the detector flagged
     * @param reviewed of those, samples whose label a human gave
     * @param reviewedAnomalies of those, how many were anomalies
     * @param predictions 0 or 1 for each test sample
     * @param detectorPredictions 0 or 1 for each test sample from the detector alone
     */
    record Outcome(int flagged, int reviewed, int reviewedAnomalies, int[] predictions, int[] detectorPredictions) {}

    /**
     * @return a short description for the report
     */
    String name();

    /**
     * @param train unlabelled training vectors
     * @param reviewers gives, once the step reports how many samples it flagged, a reviewer that reveals at most
     *     {@code ceil(reviewBudget * flagged)} labels
     * @param reviewBudget share of the flagged samples a human reviews (0.2), for the step's own planning
     * @param test vectors to predict
     * @param seed random seed
     * @return the predictions and the labelling counts
     * @throws Exception when the underlying engines fail
     */
    Outcome run(float[][] train, ReviewerFactory reviewers, double reviewBudget, float[][] test, int seed)
            throws Exception;

    /** Creates the reviewer once the detector knows how many samples it flagged (the budget depends on it). */
    interface ReviewerFactory {
        /**
         * @param flagged training samples the detector flagged
         * @return a reviewer answering at most the budget's share of them
         */
        Reviewer reviewer(int flagged);
    }
}
