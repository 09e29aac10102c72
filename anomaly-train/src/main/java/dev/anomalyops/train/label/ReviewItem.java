package dev.anomalyops.train.label;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * One row as a reviewer sees it: its id, the detector's score and suggestion, why it was picked, its feature
 * values and its context (the raw log line, the host, neighbouring metric values …). Immutable.
 */
public final class ReviewItem {
    private final String id;
    private final double score;
    private final int suggestedLabel;
    private final double confidence;
    private final ReviewQueue.Reason reason;
    private final float[] features;
    private final Map<String, String> context;

    /**
     * @param id the row id labels will refer to
     * @param score the detector's score
     * @param suggestedLabel the pseudo-label, 1 or 0
     * @param confidence the pseudo-label's confidence
     * @param reason why the row was picked
     * @param features the row's values in schema order (copied)
     * @param context what else helps a person judge it, by name (copied, order kept)
     */
    public ReviewItem(String id, double score, int suggestedLabel, double confidence, ReviewQueue.Reason reason,
            float[] features, Map<String, String> context) {
        this.id = Objects.requireNonNull(id, "id");
        this.score = score;
        this.suggestedLabel = suggestedLabel;
        this.confidence = confidence;
        this.reason = Objects.requireNonNull(reason, "reason");
        this.features = features.clone();
        this.context = Collections.unmodifiableMap(new LinkedHashMap<>(context));
    }

    /** @return the row id */
    public String id() {
        return id;
    }

    /** @return the detector's score */
    public double score() {
        return score;
    }

    /** @return the pseudo-label */
    public int suggestedLabel() {
        return suggestedLabel;
    }

    /** @return the pseudo-label's confidence */
    public double confidence() {
        return confidence;
    }

    /** @return why it was picked */
    public ReviewQueue.Reason reason() {
        return reason;
    }

    /** @return the feature values (a copy) */
    public float[] features() {
        return features.clone();
    }

    /** @return the context, by name */
    public Map<String, String> context() {
        return context;
    }

    @Override
    public String toString() {
        return "ReviewItem[" + id + ", score " + score + ", " + reason.wireName() + "]";
    }
}
