package dev.anomalyops.features.parquet;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.conf.ParquetConfiguration;
import org.apache.parquet.hadoop.api.WriteSupport;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.io.api.RecordConsumer;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;
import org.apache.parquet.schema.Type.Repetition;
import org.apache.parquet.schema.Types;

/**
 * Writes rows of {@code Object[]} (String, Long, Double or null per column) as a flat Parquet schema. A NaN double
 * is written as null, so "missing" has one encoding in our files that every Parquet reader understands.
 */
final class RowWriteSupport extends WriteSupport<Object[]> {
    private final List<Column> columns;
    private final MessageType schema;
    private final Map<String, String> metadata;
    private RecordConsumer consumer;

    /**
     * @param columns the columns in order
     * @param metadata key-value metadata for the footer
     */
    public RowWriteSupport(List<Column> columns, Map<String, String> metadata) {
        this.columns = List.copyOf(columns);
        this.schema = schema(columns);
        this.metadata = new HashMap<>(metadata);
    }

    /** @param columns the columns @return the Parquet schema */
    public static MessageType schema(List<Column> columns) {
        Types.MessageTypeBuilder b = Types.buildMessage();
        for (Column c : columns) {
            Repetition rep = c.optional() ? Repetition.OPTIONAL : Repetition.REQUIRED;
            switch (c.type()) {
                case STRING:
                    b.primitive(PrimitiveTypeName.BINARY, rep).as(LogicalTypeAnnotation.stringType()).named(c.name());
                    break;
                case LONG:
                    b.primitive(PrimitiveTypeName.INT64, rep).named(c.name());
                    break;
                case TIMESTAMP:
                    b.primitive(PrimitiveTypeName.INT64, rep)
                            .as(LogicalTypeAnnotation.timestampType(true, LogicalTypeAnnotation.TimeUnit.MILLIS)).named(c.name());
                    break;
                default:
                    b.primitive(PrimitiveTypeName.DOUBLE, rep).named(c.name());
                    break;
            }
        }
        return b.named("anomalyops");
    }

    @Override
    public WriteContext init(Configuration configuration) {
        return new WriteContext(schema, metadata);
    }

    @Override
    public WriteContext init(ParquetConfiguration configuration) {
        return new WriteContext(schema, metadata);
    }

    @Override
    public void prepareForWrite(RecordConsumer recordConsumer) {
        this.consumer = recordConsumer;
    }

    @Override
    public void write(Object[] row) {
        consumer.startMessage();
        for (int i = 0; i < columns.size(); i++) {
            Object v = row[i];
            if (v == null || (v instanceof Double d && d.isNaN())) {
                if (!columns.get(i).optional()) {
                    throw new IllegalArgumentException("Column \"" + columns.get(i).name() + "\" is required but the row has no value");
                }
                continue;
            }
            Column c = columns.get(i);
            consumer.startField(c.name(), i);
            switch (c.type()) {
                case STRING:
                    consumer.addBinary(Binary.fromString((String) v));
                    break;
                case LONG:
                case TIMESTAMP:
                    consumer.addLong(((Number) v).longValue());
                    break;
                default:
                    consumer.addDouble(((Number) v).doubleValue());
                    break;
            }
            consumer.endField(c.name(), i);
        }
        consumer.endMessage();
    }
}
