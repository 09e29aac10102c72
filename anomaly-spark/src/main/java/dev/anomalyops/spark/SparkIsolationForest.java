package dev.anomalyops.spark;

import dev.anomalyops.core.FeatureSchema;
import dev.anomalyops.core.InputException;
import dev.anomalyops.core.scoring.FeatureBatch;
import dev.anomalyops.train.detect.IsolationForestModel;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Objects;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Scores rows with a trained Isolation Forest across a Spark cluster: the forest (trained on a sample on one
 * machine, as is standard for Isolation Forest) is broadcast once to every executor in its own serialised form
 * ({@link IsolationForestModel#toBytes()}), and each partition is scored in blocks with the same code as on one
 * machine, so the scores are identical to {@link IsolationForestModel#score}.
 *
 * <pre>{@code
 * Dataset<Row> scored = SparkIsolationForest.of(model).score(features);   // adds "anomaly_score" and "anomalous"
 * }</pre>
 *
 * <p>Immutable and thread-safe.
 */
public final class SparkIsolationForest {
    /** The score column added (higher: more anomalous). */
    public static final String SCORE_COLUMN = "anomaly_score";
    /** The flag column added: score at or above the model's threshold. */
    public static final String FLAG_COLUMN = "anomalous";
    private static final int BLOCK_ROWS = 4096;

    private final IsolationForestModel model;
    private final byte[] bytes;

    private SparkIsolationForest(IsolationForestModel model) {
        this.model = Objects.requireNonNull(model, "model");
        this.bytes = model.toBytes();
    }

    /** @param model a trained forest @return its distributed scorer */
    public static SparkIsolationForest of(IsolationForestModel model) {
        return new SparkIsolationForest(model);
    }

    /**
     * @param rows rows holding a numeric column for each feature of the model's schema (null or NaN: missing)
     * @return the rows with {@value #SCORE_COLUMN} (double) and {@value #FLAG_COLUMN} (boolean) appended
     * @throws InputException when a feature column is missing
     */
    public Dataset<Row> score(Dataset<Row> rows) {
        FeatureSchema schema = model.schema();
        List<String> columns = Arrays.asList(rows.columns());
        List<String> missing = new ArrayList<>();
        int[] at = new int[schema.size()];
        for (int f = 0; f < schema.size(); f++) {
            at[f] = columns.indexOf(schema.names().get(f));
            if (at[f] < 0) {
                missing.add(schema.names().get(f));
            }
        }
        if (!missing.isEmpty()) {
            throw new InputException("The rows lack the feature column(s) \"" + String.join("\", \"", missing)
                    + "\" of the Isolation Forest (columns present: " + columns + ")");
        }
        SparkSession spark = rows.sparkSession();
        Broadcast<byte[]> forest = new org.apache.spark.api.java.JavaSparkContext(spark.sparkContext()).broadcast(bytes);
        StructType out = rows.schema().add(SCORE_COLUMN, DataTypes.DoubleType, false).add(FLAG_COLUMN, DataTypes.BooleanType, false);
        double threshold = model.threshold();
        int width = schema.size();
        MapPartitionsFunction<Row, Row> scoring = input -> new BlockScorer(input, forest.value(), at, width, threshold);
        return rows.mapPartitions(scoring, Encoders.row(out));
    }

    /** Scores a partition block by block, keeping the input order. */
    private static final class BlockScorer implements Iterator<Row> {
        private final Iterator<Row> input;
        private final IsolationForestModel model;
        private final int[] at;
        private final int width;
        private final double threshold;
        private final Row[] block = new Row[BLOCK_ROWS];
        private final float[] values;
        private final double[] scores = new double[BLOCK_ROWS];
        private int size;
        private int next;

        BlockScorer(Iterator<Row> input, byte[] forest, int[] at, int width, double threshold) {
            this.input = input;
            // One deserialisation per partition: the forest is a few MB at most, a partition millions of rows.
            this.model = IsolationForestModel.fromBytes(forest, null).withThreads(1);
            this.at = at;
            this.width = width;
            this.threshold = threshold;
            this.values = new float[BLOCK_ROWS * width];
        }

        @Override
        public boolean hasNext() {
            if (next < size) {
                return true;
            }
            size = 0;
            next = 0;
            while (size < BLOCK_ROWS && input.hasNext()) {
                Row r = input.next();
                block[size] = r;
                int base = size * width;
                for (int f = 0; f < width; f++) {
                    Object v = r.get(at[f]);
                    values[base + f] = v == null ? Float.NaN : ((Number) v).floatValue();
                }
                size++;
            }
            if (size > 0) {
                model.score(FeatureBatch.wrap(model.schema(), values, size), scores);
            }
            return size > 0;
        }

        @Override
        public Row next() {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            Row r = block[next];
            double s = scores[next++];
            Object[] cells = new Object[r.length() + 2];
            for (int i = 0; i < r.length(); i++) {
                cells[i] = r.get(i);
            }
            cells[r.length()] = s;
            cells[r.length() + 1] = s >= threshold;
            return RowFactory.create(cells);
        }
    }
}
