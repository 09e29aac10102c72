package dev.anomalyops.train.detect;

/** How the trees of an {@link IsolationForest} cut the feature space. */
public enum SplitRule {
    /**
     * One randomly chosen feature against a threshold drawn uniformly between its minimum and maximum in the
     * node: the original algorithm (Liu, Ting and Zhou 2008) and scikit-learn's. The default.
     */
    AXIS_PARALLEL,
    /**
     * A random hyperplane (normal vector with standard normal components, through a point drawn uniformly in
     * the node's bounding box): the Extended Isolation Forest of Hariri, Carrasco Kind and Brunner (2021),
     * which removes the axis-aligned artefacts of the score map. Costlier to score (one dot product per node).
     */
    HYPERPLANE
}
