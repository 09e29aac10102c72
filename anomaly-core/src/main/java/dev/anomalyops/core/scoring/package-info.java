/**
 * Scoring (engine authors implement {@link dev.anomalyops.core.scoring.ScorerProvider} and list it in
 * {@code META-INF/services/dev.anomalyops.core.scoring.ScorerProvider}): the {@link dev.anomalyops.core.scoring.Scorer} interface every engine implements, the columnar
 * {@link dev.anomalyops.core.scoring.FeatureBatch}, and {@link dev.anomalyops.core.scoring.Scorers}, which
 * finds the engine for a model through {@link java.util.ServiceLoader}.
 */
@NullMarked
package dev.anomalyops.core.scoring;

import org.jspecify.annotations.NullMarked;
