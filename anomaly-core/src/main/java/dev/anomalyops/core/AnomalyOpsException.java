package dev.anomalyops.core;

/**
 * Root of every exception AnomalyOps throws on purpose. All are unchecked; the subclasses are split by
 * how a caller reacts rather than by where the problem arose:
 *
 * <ul>
 *   <li>{@link InputException}: this record is bad; skip or quarantine it and carry on.
 *   <li>{@link ModelException}: this model cannot be used; retire it.
 *   <li>{@link ConfigurationException}: the configuration is invalid; fix it before retrying.
 *   <li>{@link BackendUnavailableException}: no engine for this model format is on the classpath.
 *   <li>{@link RetriableException}: a transient failure of a remote dependency; back off and retry.
 *   <li>{@link NonRetriableException}: a permanent failure of a remote dependency or an unknown resource.
 *   <li>{@link StorageException}: local or object storage failed while reading or writing durable state.
 * </ul>
 *
 * <p>Programming errors at API boundaries (null arguments, negative sizes) stay plain JDK exceptions.
 */
public class AnomalyOpsException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** @param message one sentence: what is wrong, which thing, what was expected */
    public AnomalyOpsException(String message) {
        super(message);
    }

    /**
     * @param message one sentence: what is wrong, which thing, what was expected
     * @param cause the underlying failure, kept for diagnosis
     */
    public AnomalyOpsException(String message, Throwable cause) {
        super(message, cause);
    }
}
