/**
 * Evaluation of anomaly scores against ground truth, point-wise and point-adjusted: ROC-AUC and average
 * precision ({@link dev.anomalyops.train.eval.RankingMetrics}), confusion counts with precision, recall and F1
 * ({@link dev.anomalyops.train.eval.Confusion}), anomaly segments and the point adjustment used by
 * time-series papers ({@link dev.anomalyops.train.eval.PointAdjustment}), all together in
 * {@link dev.anomalyops.train.eval.Evaluation}.
 */
@NullMarked
package dev.anomalyops.train.eval;

import org.jspecify.annotations.NullMarked;
