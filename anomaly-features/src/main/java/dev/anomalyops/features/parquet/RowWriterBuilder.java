package dev.anomalyops.features.parquet;

import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.conf.ParquetConfiguration;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.api.WriteSupport;
import org.apache.parquet.io.OutputFile;

/** A {@link ParquetWriter} builder for {@link RowWriteSupport}, configured without Hadoop. */
final class RowWriterBuilder extends ParquetWriter.Builder<Object[], RowWriterBuilder> {
    private final RowWriteSupport support;

    /**
     * @param file where to write
     * @param support the row layout
     */
    public RowWriterBuilder(OutputFile file, RowWriteSupport support) {
        super(file);
        this.support = support;
    }

    @Override
    protected RowWriterBuilder self() {
        return this;
    }

    @Override
    protected WriteSupport<Object[]> getWriteSupport(Configuration conf) {
        return support;
    }

    @Override
    protected WriteSupport<Object[]> getWriteSupport(ParquetConfiguration conf) {
        return support;
    }
}
