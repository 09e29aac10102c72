package dev.anomalyops.train.detect;

import dev.anomalyops.core.FeatureSchema;
import dev.anomalyops.core.model.ModelBundle;
import dev.anomalyops.core.model.ModelFormat;
import dev.anomalyops.core.scoring.FeatureBatch;
import dev.anomalyops.train.RowSource;
import java.util.Arrays;
import java.util.Map;

/**
 * A fitted unsupervised detector. Scores are anomaly scores in [0, 1], higher meaning more anomalous; a row
 * is flagged when its score is at or above {@link #threshold()}, the same rule the
 * {@link dev.anomalyops.core.scoring.Scorer} of its bundle applies. Each implementation documents exactly
 * what its score is. Immutable and thread-safe.
 */
public interface DetectorModel {

    /** @return the detector's short name, e.g. {@code isolation-forest} */
    String detector();

    /** @return the layout of the rows it scores */
    FeatureSchema schema();

    /** @return the score at or above which a row is flagged */
    double threshold();

    /** @return how the threshold was set */
    Contamination contamination();

    /**
     * Writes the anomaly score of each row into {@code out[0 .. rows-1]}, allocating nothing per row.
     *
     * @param batch rows laid out by {@link #schema()}
     * @param out receives one score per row
     * @throws dev.anomalyops.core.SchemaMismatchException when the batch has another layout
     * @throws IllegalArgumentException when {@code out} is too short
     */
    void score(FeatureBatch batch, double[] out);

    /**
     * Scores a whole source, one batch at a time; only the scores are kept.
     *
     * @param rows the rows to score
     * @return one score per row, in source order
     */
    default double[] scoreAll(RowSource rows) {
        schema().requireSameLayout(rows.schema());
        double[][] result = {new double[(int) Math.min(Integer.MAX_VALUE - 8, rows.size().orElse(1024))]};
        int[] count = {0};
        double[][] buffer = {new double[0]};
        rows.forEachBatch((batch, first) -> {
            if (buffer[0].length < batch.rows()) {
                buffer[0] = new double[batch.rows()];
            }
            score(batch, buffer[0]);
            int needed = count[0] + batch.rows();
            if (needed > result[0].length) {
                result[0] = Arrays.copyOf(result[0], Math.max(needed, result[0].length * 2));
            }
            System.arraycopy(buffer[0], 0, result[0], count[0], batch.rows());
            count[0] = needed;
        });
        return result[0].length == count[0] ? result[0] : Arrays.copyOf(result[0], count[0]);
    }

    /** @return what the fit saw and left out */
    FitReport fitReport();

    /** @return the settings it was fitted with, as text, for the bundle manifest */
    Map<String, String> hyperParameters();

    /** @return the format of {@link #toBytes()} */
    ModelFormat format();

    /** @return the model file's name inside a bundle */
    String modelFileName();

    /** @return the serialised model, the bundle's model file (deterministic: equal models, equal bytes) */
    byte[] toBytes();

    /**
     * Starts a bundle holding this model, its schema, threshold and hyper-parameters. Add training metadata
     * (label weights, metrics) and call {@code writeTo}.
     *
     * @param name model name
     * @param version the producer's version label
     * @return a builder ready to write
     */
    default ModelBundle.Builder toBundle(String name, String version) {
        return ModelBundle.builder(name, version)
                .model(format(), modelFileName(), toBytes())
                .schema(schema())
                .threshold(threshold())
                .hyperParameters(hyperParameters())
                .metadata("detector", detector())
                .metadata("detector.contamination", contamination().toString())
                .metadata("detector.rows_used", Long.toString(fitReport().rowsUsed()))
                .metadata("detector.rows_quarantined", Long.toString(fitReport().quarantined()));
    }
}
