package dev.anomalyops.train.supervised;

import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Trains a binary anomaly classifier on labelled, weighted rows. Implementations: {@link XgboostTrainer} (the
 * champion) and {@link LightgbmTrainer} (the JVM-trained challenger). Trainers are immutable and may be reused;
 * the same data and settings give the same model bytes.
 */
public interface Trainer {
    /** @return the trainer's name, e.g. {@code xgboost} */
    String name();

    /** @return the configured parameters as text (before any data-dependent value is resolved) */
    Map<String, String> parameters();

    /**
     * Trains on {@code train}. With early stopping configured, the rounds are chosen on {@code validation}, or
     * on a split of {@code train} when {@code validation} is null.
     *
     * @param train the training rows
     * @param validation rows to watch (loss curve, early stopping), or null
     * @return the model
     * @throws dev.anomalyops.core.ConfigurationException when the settings do not fit the data (e.g. a monotone
     *     constraint on a feature the data lacks)
     * @throws dev.anomalyops.core.BackendUnavailableException when the engine's native library cannot load
     */
    TrainedModel fit(TrainingData train, @Nullable TrainingData validation);

    /**
     * @param train the training rows
     * @return the model
     */
    default TrainedModel fit(TrainingData train) {
        return fit(train, null);
    }
}
