package dev.anomalyops.core;

/** A problem with one input record only: skip or quarantine that record and carry on with the others. */
public class InputException extends AnomalyOpsException {
    private static final long serialVersionUID = 1L;

    /** @param message what is wrong with the record, naming the feature */
    public InputException(String message) {
        super(message);
    }

    /**
     * @param message what is wrong with the record
     * @param cause the underlying failure
     */
    public InputException(String message, Throwable cause) {
        super(message, cause);
    }
}
