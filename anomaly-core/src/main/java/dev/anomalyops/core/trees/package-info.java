/**
 * The pure-Java tree-ensemble scorer: loads XGBoost (JSON and UBJ) and CatBoost (JSON) models and compiles
 * them into flat primitive arrays for fast, allocation-free scoring. It is the {@code java} engine of the
 * {@link dev.anomalyops.core.scoring.Scorer} SPI and needs no native code.
 */
@NullMarked
package dev.anomalyops.core.trees;

import org.jspecify.annotations.NullMarked;
