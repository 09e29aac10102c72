/**
 * A {@link dev.anomalyops.core.registry.ModelRegistry} on Amazon S3 or any S3-compatible store that
 * supports conditional writes ({@code If-None-Match: *} and {@code If-Match}).
 */
@NullMarked
package dev.anomalyops.registry.s3;

import org.jspecify.annotations.NullMarked;
