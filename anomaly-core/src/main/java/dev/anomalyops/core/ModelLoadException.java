package dev.anomalyops.core;

/** A model file or bundle could not be read: missing, truncated, corrupted, foreign or of an unknown format. */
public class ModelLoadException extends ModelException {
    private static final long serialVersionUID = 1L;

    /** @param message what could not be read, naming the path */
    public ModelLoadException(String message) {
        super(message);
    }

    /**
     * @param message what could not be read, naming the path
     * @param cause the I/O or parse failure
     */
    public ModelLoadException(String message, Throwable cause) {
        super(message, cause);
    }
}
