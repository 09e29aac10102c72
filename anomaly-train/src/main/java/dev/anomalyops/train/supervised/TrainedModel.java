package dev.anomalyops.train.supervised;

import dev.anomalyops.core.model.ModelFormat;
import java.util.List;
import java.util.Map;

/**
 * A model a {@link Trainer} produced: it scores rows, serialises into a model bundle (bytes in a
 * {@link ModelFormat} an engine of the {@code Scorer} SPI reads) and carries what a reviewer needs to judge it:
 * the effective parameters, the loss per boosting round and the feature importance. Holds native memory:
 * {@link #close()} it when done (scoring after close fails with {@link IllegalStateException}).
 */
public interface TrainedModel extends Candidate, AutoCloseable {
    /** @return the trainer's name, e.g. {@code xgboost} or {@code lightgbm} */
    String trainer();

    /** @return the format of {@link #modelBytes()} */
    ModelFormat format();

    /** @return the model file name to use inside a bundle, e.g. {@code model.json} */
    String fileName();

    /** @return the serialised model; the same training data, parameters and seed give the same bytes */
    byte[] modelBytes();

    /** @return every parameter the model was trained with, as text, for the bundle's hyper-parameters */
    Map<String, String> parameters();

    /** @return loss per boosting round on the training rows and, when there was one, the validation rows */
    TrainingCurve curve();

    /** @return boosting rounds kept in the model (after early stopping, the best round + 1) */
    int rounds();

    /**
     * @return the importance of every feature used by at least one split, by total gain, largest first; cover
     *     is NaN for engines that do not report it
     */
    List<FeatureImportance> importance();

    @Override
    void close();
}
