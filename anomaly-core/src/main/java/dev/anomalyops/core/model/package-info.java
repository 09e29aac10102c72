/**
 * Model bundles: the versioned, checksummed unit that training produces, registries store and scorers
 * load. A bundle is a directory (or a single zip archive of it) holding the model file(s) and a JSON
 * manifest: name, version, framework and format, feature schema, optional scaler, metrics,
 * hyper-parameters, data fingerprint, creation time and an optional drift reference profile.
 */
@NullMarked
package dev.anomalyops.core.model;

import org.jspecify.annotations.NullMarked;
