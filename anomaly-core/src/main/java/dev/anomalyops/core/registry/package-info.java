/**
 * Model registries: immutable numbered versions of a model's bundles, plus aliases ({@code champion},
 * {@code challenger}, {@code staging}, {@code production}) that move atomically and remember where they
 * pointed before, so a rollback is one call. {@link dev.anomalyops.core.registry.FileModelRegistry} is the
 * embedded default; S3 and MLflow implementations live in their own modules.
 */
@NullMarked
package dev.anomalyops.core.registry;

import org.jspecify.annotations.NullMarked;
