package dev.anomalyops.features.metrics;

/** What happened to one sample given to an execution of a {@link FeatureSpec}. */
public enum Outcome {
    /** The sample was taken and its feature row written. */
    ACCEPTED("accepted"),
    /** Rejected: the instance already has a sample with this timestamp ({@link DuplicatePolicy#REJECT}). */
    DUPLICATE("duplicate timestamp"),
    /** Rejected: older than the instance's last accepted sample (late or out of order). */
    LATE("timestamp earlier than the instance's previous sample (out of order)");

    private final String reason;

    Outcome(String reason) {
        this.reason = reason;
    }

    /** @return a short reason, as written in quarantine rows */
    public String reason() {
        return reason;
    }
}
