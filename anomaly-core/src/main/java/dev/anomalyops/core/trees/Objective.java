package dev.anomalyops.core.trees;

import java.util.Locale;

/**
 * How an ensemble's raw margin becomes its prediction, and how a stored base score becomes a margin: the
 * semantics of XGBoost's objectives and CatBoost's loss functions. The prediction is what the library's own
 * {@code predict()} returns (for binary classifiers, the probability of the positive class).
 */
public enum Objective {
    /** Margin through the logistic function (binary:logistic, reg:logistic, CatBoost Logloss). */
    LOGISTIC(Link.LOGIT, Output.SIGMOID),
    /** The raw margin of a logistic model (binary:logitraw; XGBoost keeps its base_score as a margin). */
    LOGIT_RAW(Link.IDENTITY, Output.IDENTITY),
    /** 0 or 1 by the sign of the margin (binary:hinge). */
    HINGE(Link.IDENTITY, Output.HINGE),
    /** The margin itself (squared error and other regression and ranking objectives, CatBoost RMSE). */
    IDENTITY(Link.IDENTITY, Output.IDENTITY),
    /** {@code exp(margin)} (count:poisson, reg:gamma, reg:tweedie, survival:cox, survival:aft). */
    LOG_LINK(Link.LOG, Output.EXP),
    /** Two-class softmax: the probability of class 1 (multi:softprob with num_class 2). */
    SOFTMAX_TWO_CLASSES(Link.IDENTITY, Output.SOFTMAX),
    /** Two-class softmax, returning the index of the larger margin (multi:softmax with num_class 2). */
    ARGMAX_TWO_CLASSES(Link.IDENTITY, Output.ARGMAX);

    enum Link {
        IDENTITY,
        LOGIT,
        LOG
    }

    enum Output {
        IDENTITY,
        SIGMOID,
        EXP,
        HINGE,
        SOFTMAX,
        ARGMAX
    }

    private final Link link;
    private final Output output;

    Objective(Link link, Output output) {
        this.link = link;
        this.output = output;
    }

    Output output() {
        return output;
    }

    /**
     * @return how many margins each row has: 2 for the two-class softmax objectives, 1 otherwise
     */
    public int groups() {
        return output == Output.SOFTMAX || output == Output.ARGMAX ? 2 : 1;
    }

    /**
     * @param baseScore XGBoost's {@code base_score}, stored in prediction space
     * @return the margin it stands for, in float as XGBoost computes it
     */
    float baseMargin(float baseScore) {
        switch (link) {
            case LOGIT:
                return (float) -Math.log(1.0 / baseScore - 1.0);
            case LOG:
                return (float) Math.log(baseScore);
            default:
                return baseScore;
        }
    }

    /**
     * Turns one margin into a prediction in float arithmetic, as XGBoost's predictors do.
     *
     * @param margin the margin
     * @return the prediction
     */
    float transform(float margin) {
        switch (output) {
            case SIGMOID:
                return 1.0f / (1.0f + (float) Math.exp(-margin));
            case EXP:
                return (float) Math.exp(margin);
            case HINGE:
                return margin > 0 ? 1.0f : 0.0f;
            default:
                return margin;
        }
    }

    /**
     * @param margin0 margin of class 0
     * @param margin1 margin of class 1
     * @return the prediction of a two-class softmax objective
     */
    float transform(float margin0, float margin1) {
        if (output == Output.ARGMAX) {
            return margin1 > margin0 ? 1.0f : 0.0f;
        }
        // Softmax with the maximum subtracted, in float, as XGBoost's Softmax does.
        float max = Math.max(margin0, margin1);
        float e0 = (float) Math.exp(margin0 - max);
        float e1 = (float) Math.exp(margin1 - max);
        return e1 / (e0 + e1);
    }

    /**
     * @param name an XGBoost objective name such as {@code binary:logistic}
     * @param numClass XGBoost's {@code num_class}
     * @return the objective, or null when AnomalyOps does not score it
     */
    static Objective ofXgboost(String name, int numClass) {
        switch (name) {
            case "binary:logistic":
            case "reg:logistic":
                return LOGISTIC;
            case "binary:logitraw":
                return LOGIT_RAW;
            case "binary:hinge":
                return HINGE;
            case "count:poisson":
            case "reg:gamma":
            case "reg:tweedie":
            case "survival:cox":
            case "survival:aft":
                return LOG_LINK;
            case "multi:softprob":
                return numClass == 2 ? SOFTMAX_TWO_CLASSES : null;
            case "multi:softmax":
                return numClass == 2 ? ARGMAX_TWO_CLASSES : null;
            default:
                if (name.startsWith("reg:") || name.startsWith("rank:")) {
                    return IDENTITY;
                }
                return null;
        }
    }

    /**
     * @param lossFunction a CatBoost loss function name such as {@code Logloss}
     * @return the objective
     */
    static Objective ofCatboost(String lossFunction) {
        String loss = lossFunction.toLowerCase(Locale.ROOT);
        if (loss.startsWith("logloss") || loss.startsWith("crossentropy")) {
            return LOGISTIC;
        }
        return IDENTITY;
    }
}
