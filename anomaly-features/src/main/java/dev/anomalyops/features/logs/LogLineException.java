package dev.anomalyops.features.logs;

import dev.anomalyops.core.InputException;

/** One log line, or a value in it such as its timestamp, cannot be parsed. Skip or quarantine that line. */
public class LogLineException extends InputException {
    private static final long serialVersionUID = 1L;

    /** @param message what was expected and what was found */
    public LogLineException(String message) {
        super(message);
    }

    /**
     * @param message what was expected and what was found
     * @param cause the underlying failure
     */
    public LogLineException(String message, Throwable cause) {
        super(message, cause);
    }
}
