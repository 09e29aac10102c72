/**
 * Data validation before features: {@link dev.anomalyops.features.validation.DataValidator} checks metric rows
 * against a feature spec (columns, types, NaN/infinity, ranges learnt from training data, per-instance time order,
 * duplicates), writes a {@link dev.anomalyops.features.validation.ValidationReport} and routes failing rows with
 * their reasons to a {@link dev.anomalyops.features.validation.QuarantineSink}. Rows in = valid + quarantined.
 */
@NullMarked
package dev.anomalyops.features.validation;

import org.jspecify.annotations.NullMarked;
