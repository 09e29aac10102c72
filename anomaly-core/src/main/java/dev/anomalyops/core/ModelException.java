package dev.anomalyops.core;

/** A model-wide problem: the model (or bundle) cannot be used and should be retired or replaced. */
public class ModelException extends AnomalyOpsException {
    private static final long serialVersionUID = 1L;

    /** @param message what is wrong with which model */
    public ModelException(String message) {
        super(message);
    }

    /**
     * @param message what is wrong with which model
     * @param cause the underlying failure
     */
    public ModelException(String message, Throwable cause) {
        super(message, cause);
    }
}
