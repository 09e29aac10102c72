package dev.anomalyops.features.parquet;

import org.apache.parquet.io.api.Converter;
import org.apache.parquet.io.api.GroupConverter;
import org.apache.parquet.io.api.PrimitiveConverter;

/** Column readers are driven directly, so the record-assembly converters do nothing. */
final class NoOpConverter extends GroupConverter {
    private static final PrimitiveConverter PRIMITIVE = new PrimitiveConverter() {};

    @Override
    public Converter getConverter(int fieldIndex) {
        return PRIMITIVE;
    }

    @Override
    public void start() {}

    @Override
    public void end() {}
}
