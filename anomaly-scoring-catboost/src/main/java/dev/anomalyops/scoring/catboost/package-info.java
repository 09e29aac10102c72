/**
 * The {@code catboost} engine: CatBoost's native evaluator (catboost-prediction) behind the Scorer SPI. It
 * scores CatBoost's binary {@code .cbm} models, which only CatBoost itself can read, and CatBoost JSON
 * models. Requires glibc 2.16+ on Linux, macOS or Windows (the native library ships inside the jar).
 */
@NullMarked
package dev.anomalyops.scoring.catboost;

import org.jspecify.annotations.NullMarked;
