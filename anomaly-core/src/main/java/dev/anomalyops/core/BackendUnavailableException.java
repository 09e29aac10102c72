package dev.anomalyops.core;

/**
 * No engine on the classpath can handle a model format, or its native runtime failed to load. The
 * message names the Maven artifact to add.
 */
public class BackendUnavailableException extends AnomalyOpsException {
    private static final long serialVersionUID = 1L;

    /** @param message which format lacks an engine and which artifact provides one */
    public BackendUnavailableException(String message) {
        super(message);
    }

    /**
     * @param message which format lacks an engine and which artifact provides one
     * @param cause the linkage or service-configuration error
     */
    public BackendUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
