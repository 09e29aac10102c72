/**
 * The MLflow REST transport, MLflow's naming rules and the alias journal format. Internal to
 * anomaly-registry-mlflow: no compatibility promise.
 */
@NullMarked
package dev.anomalyops.registry.mlflow.internal;

import org.jspecify.annotations.NullMarked;
