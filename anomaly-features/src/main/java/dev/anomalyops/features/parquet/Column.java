package dev.anomalyops.features.parquet;

import java.util.Objects;

/**
 * One column of a Parquet table.
 *
 * @param name the column name
 * @param type its type
 * @param optional whether a row may lack a value (null); metric columns are optional so that missing reads back
 *        as missing
 */
public record Column(String name, ColumnType type, boolean optional) {
    /** Checks the arguments. */
    public Column {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "type");
        if (name.isBlank()) {
            throw new IllegalArgumentException("Column name must not be blank");
        }
    }

    /** @param name a name @return a required string column */
    public static Column string(String name) {
        return new Column(name, ColumnType.STRING, false);
    }

    /** @param name a name @return a required timestamp column */
    public static Column timestamp(String name) {
        return new Column(name, ColumnType.TIMESTAMP, false);
    }

    /** @param name a name @return a required long column */
    public static Column int64(String name) {
        return new Column(name, ColumnType.LONG, false);
    }

    /** @param name a name @return an optional double column */
    public static Column float64(String name) {
        return new Column(name, ColumnType.DOUBLE, true);
    }
}
