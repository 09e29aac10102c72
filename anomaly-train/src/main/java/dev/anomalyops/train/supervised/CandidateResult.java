package dev.anomalyops.train.supervised;

import dev.anomalyops.train.eval.Evaluation;
import org.jspecify.annotations.Nullable;

/**
 * How one model did in {@link SupervisedTraining}: its threshold (chosen on the validation rows), its hold-out
 * evaluation and, for models trained here, the diagnostics.
 *
 * @param name the model's report name ({@code xgboost}, {@code lightgbm}, {@code catboost-imported}, ...)
 * @param role {@code champion} or {@code challenger}
 * @param threshold the decision threshold
 * @param thresholdRule how it was chosen
 * @param holdout point-wise and point-adjusted figures on the hold-out rows
 * @param diagnostics confusion, loss gap, importance and calibration (null for imported models)
 * @param rounds boosting rounds kept (0 for imported models)
 * @param trainSeconds wall-clock training time (0 for imported models); not written to the bundle
 */
public record CandidateResult(String name, String role, double threshold, String thresholdRule, Evaluation holdout,
        @Nullable Diagnostics diagnostics, int rounds, double trainSeconds) {}
