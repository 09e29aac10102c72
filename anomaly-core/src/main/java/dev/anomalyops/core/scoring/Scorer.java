package dev.anomalyops.core.scoring;

import dev.anomalyops.core.FeatureContribution;
import dev.anomalyops.core.FeatureSchema;
import dev.anomalyops.core.InvalidFeatureValueException;
import dev.anomalyops.core.Prediction;
import java.util.List;

/**
 * Scores rows with one model. Implementations are thread-safe: one instance serves many threads.
 *
 * <p>The batch call writes into a caller-provided array and allocates nothing, which makes it the hot path.
 * The single-row calls are conveniences. Scorers do not validate NaN and infinity policies (tree engines
 * route NaN to the missing branch); validate at the boundary with {@link FeatureSchema#validateRow} or
 * {@link FeatureBatch#validate()}.
 *
 * <pre>{@code
 * try (Scorer scorer = Scorers.open(Path.of("model-bundle.zip"))) {
 *     FeatureBatch batch = FeatureBatch.allocate(scorer.model().schema(), 256);
 *     double[] probabilities = new double[256];
 *     // fill batch.values() ...
 *     scorer.score(batch, probabilities);
 *     Prediction one = scorer.predict(batch.copyRow(0));
 * }
 * }</pre>
 */
public interface Scorer extends AutoCloseable {

    /** @return the model this scorer serves */
    ModelInfo model();

    /**
     * Writes the anomaly probability of each row of {@code batch} into {@code out[0 .. rows-1]}.
     *
     * @param batch rows laid out by {@link #model()}'s schema
     * @param out receives one probability per row; at least {@code batch.rows()} long
     * @throws dev.anomalyops.core.SchemaMismatchException when the batch's schema has another layout
     * @throws IllegalArgumentException when {@code out} is too short
     */
    void score(FeatureBatch batch, double[] out);

    /**
     * @param row one row laid out by the model's schema
     * @return its anomaly probability
     * @throws InvalidFeatureValueException when the row's length differs from the schema's
     */
    default double probability(float[] row) {
        FeatureSchema schema = model().schema();
        if (row.length != schema.size()) {
            throw new InvalidFeatureValueException("", "Row has " + row.length + " values but model \"" + model().name()
                    + "\" expects " + schema.size() + " features");
        }
        double[] out = new double[1];
        score(FeatureBatch.wrap(schema, row, 1), out);
        return out[0];
    }

    /**
     * @param row one row laid out by the model's schema
     * @return the label, probability and model identity
     */
    default Prediction predict(float[] row) {
        double p = probability(row);
        ModelInfo model = model();
        return new Prediction(p >= model.threshold() ? 1 : 0, p, model.name(), model.version());
    }

    /**
     * Attributes one row's margin to its features, largest absolute contribution first, for explanations.
     * Tree engines use Saabas' path attribution (XGBoost's {@code approx_contribs}); engines that cannot
     * attribute return an empty list.
     *
     * @param row one row laid out by the model's schema
     * @return the contributions, or an empty list when the engine cannot attribute
     */
    default List<FeatureContribution> contributions(float[] row) {
        return List.of();
    }

    /** Releases native memory, threads or connections. Later calls fail with {@link IllegalStateException}. */
    @Override
    default void close() {}

    /**
     * Shared argument checks for implementations.
     *
     * @param scorer the scorer being called
     * @param batch the batch it was given
     * @param out the output array it was given
     */
    static void checkArguments(Scorer scorer, FeatureBatch batch, double[] out) {
        FeatureSchema expected = scorer.model().schema();
        if (batch.schema() != expected) {
            expected.requireSameLayout(batch.schema());
        }
        if (out.length < batch.rows()) {
            throw new IllegalArgumentException("The output array holds " + out.length + " values but the batch has "
                    + batch.rows() + " rows");
        }
    }
}
