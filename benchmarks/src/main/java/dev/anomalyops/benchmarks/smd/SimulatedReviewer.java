package dev.anomalyops.benchmarks.smd;

import dev.anomalyops.train.label.Label;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.LongFunction;

/**
 * Plays the people who review the queue: reveals the true label of production rows, refusing to reveal more
 * than its budget. Its labels are {@link dev.anomalyops.train.label.LabelSource#HUMAN} labels by
 * {@code simulated-reviewer}.
 */
public final class SimulatedReviewer {
    /** The author name on revealed labels. */
    public static final String AUTHOR = "simulated-reviewer";

    private final int[] labels;
    private final int maxReveals;
    private final LongFunction<String> ids;
    private final Set<Integer> revealed = new HashSet<>();

    SimulatedReviewer(int[] labels, int maxReveals, LongFunction<String> ids) {
        if (maxReveals < 0) {
            throw new IllegalArgumentException("maxReveals must be >= 0 but was " + maxReveals);
        }
        this.labels = labels;
        this.maxReveals = maxReveals;
        this.ids = ids;
    }

    /**
     * @param rows production rows to review
     * @param at when they were reviewed
     * @return one human label per row
     * @throws IllegalStateException when this would reveal more labels than the budget
     */
    public List<Label> review(List<Integer> rows, Instant at) {
        Set<Integer> after = new HashSet<>(revealed);
        after.addAll(rows);
        if (after.size() > maxReveals) {
            throw new IllegalStateException("The review budget is " + maxReveals + " labels but " + after.size()
                    + " were asked for");
        }
        List<Label> result = new ArrayList<>(rows.size());
        for (int row : rows) {
            result.add(Label.human(ids.apply(row), labels[row], AUTHOR, at));
        }
        revealed.addAll(rows);
        return result;
    }

    /** @return distinct rows revealed so far */
    public int revealed() {
        return revealed.size();
    }

    /** @return the budget */
    public int maxReveals() {
        return maxReveals;
    }
}
