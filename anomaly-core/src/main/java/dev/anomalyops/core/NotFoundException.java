package dev.anomalyops.core;

/** A named resource (model, version, alias) does not exist. */
public class NotFoundException extends NonRetriableException {
    private static final long serialVersionUID = 1L;

    /** @param message which resource was asked for and where */
    public NotFoundException(String message) {
        super(message);
    }
}
