/**
 * Supervised training of anomaly classifiers on labelled rows: {@link dev.anomalyops.train.supervised.XgboostTrainer}
 * (the champion, xgboost4j), {@link dev.anomalyops.train.supervised.LightgbmTrainer} (the challenger trained on the
 * JVM), imported models ({@link dev.anomalyops.train.supervised.ImportedModel}, e.g. CatBoost), cross-validation,
 * threshold selection, diagnostics, champion/challenger comparison, quality gates and the bundle they produce.
 */
@NullMarked
package dev.anomalyops.train.supervised;

import org.jspecify.annotations.NullMarked;
