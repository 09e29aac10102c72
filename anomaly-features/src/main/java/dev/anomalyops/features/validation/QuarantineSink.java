package dev.anomalyops.features.validation;

/** Where quarantined rows go. Implementations must keep every row they accept. */
public interface QuarantineSink extends AutoCloseable {
    /** @param row a row that failed validation */
    void accept(QuarantinedRow row);

    /** Flushes and publishes what was accepted. */
    @Override
    void close();

    /**
     * @param rows a list to add to
     * @return a sink that keeps rows in that list
     */
    static QuarantineSink into(java.util.List<QuarantinedRow> rows) {
        return new QuarantineSink() {
            @Override
            public void accept(QuarantinedRow row) {
                rows.add(row);
            }

            @Override
            public void close() {}
        };
    }
}
