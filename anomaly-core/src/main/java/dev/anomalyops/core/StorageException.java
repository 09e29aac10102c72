package dev.anomalyops.core;

/**
 * Durable state (a registry, a label store) could not be read or written: disk full, permission denied,
 * object store refused. Nothing half-written is ever left visible when this is thrown.
 */
public class StorageException extends AnomalyOpsException {
    private static final long serialVersionUID = 1L;

    /** @param message what could not be stored where */
    public StorageException(String message) {
        super(message);
    }

    /**
     * @param message what could not be stored where
     * @param cause the I/O failure
     */
    public StorageException(String message, Throwable cause) {
        super(message, cause);
    }
}
