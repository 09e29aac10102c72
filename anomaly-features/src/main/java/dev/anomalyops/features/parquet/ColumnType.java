package dev.anomalyops.features.parquet;

/** The column types AnomalyOps writes to Parquet. */
public enum ColumnType {
    /** UTF-8 string ({@code BINARY} with the {@code STRING} annotation). */
    STRING,
    /** 64-bit integer. */
    LONG,
    /** Epoch milliseconds ({@code INT64} with the {@code TIMESTAMP(MILLIS, UTC)} annotation). */
    TIMESTAMP,
    /** IEEE 754 double. */
    DOUBLE
}
