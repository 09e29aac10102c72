package dev.anomalyops.benchmarks.smd;

import dev.anomalyops.core.scoring.FeatureBatch;
import java.util.Arrays;

/**
 * The fixed protocol split of one machine, shared by every stage of {@code ./bench smd} so results stay
 * honest and comparable:
 *
 * <ul>
 *   <li>{@link #train()}: the {@code train} file, unlabelled history;
 *   <li>{@link #production()}: the first half of the test period ({@code floor(T/2)} rows), where the
 *       pipeline flags rows and a {@link #reviewer(int) simulated reviewer} reveals at most the review budget
 *       of true labels. Every fit, pseudo-label and threshold may use only the train rows and these rows;
 *   <li>{@link #evaluation()}: the second half, scored once and evaluated against
 *       {@link #evaluationLabels()} (point-wise, and point-adjusted for comparison with papers).
 * </ul>
 *
 * The production labels are not exposed: only the reviewer reads them, and it counts what it reveals.
 */
public final class SmdSplit {
    private final String machine;
    private final FeatureBatch train;
    private final FeatureBatch production;
    private final FeatureBatch evaluation;
    private final int[] productionLabels;
    private final int[] evaluationLabels;
    private final int productionStart;
    private final int evaluationStart;

    private SmdSplit(SmdMachine source) {
        this.machine = source.id();
        this.train = source.train();
        FeatureBatch test = source.test();
        int half = test.rows() / 2;
        int width = test.columns();
        this.productionStart = 0;
        this.evaluationStart = half;
        this.production = FeatureBatch.wrap(test.schema(), Arrays.copyOfRange(test.values(), 0, half * width), half);
        this.evaluation = FeatureBatch.wrap(test.schema(),
                Arrays.copyOfRange(test.values(), half * width, test.rows() * width), test.rows() - half);
        int[] labels = source.testLabels();
        this.productionLabels = Arrays.copyOfRange(labels, 0, half);
        this.evaluationLabels = Arrays.copyOfRange(labels, half, labels.length);
    }

    /**
     * @param machine a loaded machine
     * @return its protocol split
     */
    public static SmdSplit of(SmdMachine machine) {
        return new SmdSplit(machine);
    }

    /** @return the machine id */
    public String machine() {
        return machine;
    }

    /** @return the unlabelled training rows */
    public FeatureBatch train() {
        return train;
    }

    /** @return the production half of the test period */
    public FeatureBatch production() {
        return production;
    }

    /** @return the evaluation half of the test period */
    public FeatureBatch evaluation() {
        return evaluation;
    }

    /**
     * @return the true labels of the evaluation half (a copy); read them only to evaluate, once, at the end
     */
    public int[] evaluationLabels() {
        return evaluationLabels.clone();
    }

    /**
     * @param row a production row
     * @return its stable id, {@code <machine>:test:<index in the test file>}
     */
    public String productionId(long row) {
        return machine + ":test:" + (productionStart + row);
    }

    /**
     * @param row an evaluation row
     * @return its stable id, {@code <machine>:test:<index in the test file>}
     */
    public String evaluationId(long row) {
        return machine + ":test:" + (evaluationStart + row);
    }

    /**
     * @param row a training row
     * @return its stable id, {@code <machine>:train:<index>}
     */
    public String trainId(long row) {
        return machine + ":train:" + row;
    }

    /**
     * @param maxReveals the most labels it may reveal (the review budget)
     * @return a reviewer for the production half
     */
    public SimulatedReviewer reviewer(int maxReveals) {
        return new SimulatedReviewer(productionLabels, maxReveals, this::productionId);
    }

    @Override
    public String toString() {
        return "SmdSplit[" + machine + ": train " + train.rows() + ", production " + production.rows() + ", evaluation "
                + evaluation.rows() + "]";
    }
}
