package dev.anomalyops.core;

/** The feature schema a caller supplied does not match the one the model was trained with. */
public class SchemaMismatchException extends ModelException {
    private static final long serialVersionUID = 1L;

    /** @param message which features differ and how */
    public SchemaMismatchException(String message) {
        super(message);
    }
}
