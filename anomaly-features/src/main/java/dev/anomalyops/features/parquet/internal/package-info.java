/** Parquet write and read support classes. Not API. */
@NullMarked
package dev.anomalyops.features.parquet.internal;

import org.jspecify.annotations.NullMarked;
