/**
 * A {@link dev.anomalyops.core.registry.ModelRegistry} on an MLflow tracking server: bundles are uploaded as
 * run artifacts through the artifact proxy, versions are MLflow model versions, and aliases are MLflow
 * registered-model aliases (or, on servers older than MLflow 2.3, stages) whose history lives in an alias
 * journal of write-once run parameters. See {@link dev.anomalyops.registry.mlflow.MlflowModelRegistry}.
 */
@NullMarked
package dev.anomalyops.registry.mlflow;

import org.jspecify.annotations.NullMarked;
