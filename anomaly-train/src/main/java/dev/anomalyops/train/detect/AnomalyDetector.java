package dev.anomalyops.train.detect;

import dev.anomalyops.train.RowSource;

/**
 * An unsupervised detector: learns what normal rows look like from unlabelled data and returns a
 * {@link DetectorModel} that scores new rows. Implementations are immutable configurations; one detector
 * may fit many sources, also concurrently.
 *
 * <pre>{@code
 * AnomalyDetector detector = IsolationForest.builder().contamination(0.05).seed(1).build();
 * DetectorModel model = detector.fit(CsvRowSource.builder(Path.of("history.csv")).build());
 * double[] scores = model.scoreAll(RowSource.of(todayBatch));
 * model.toBundle("cpu-iforest", "1").writeTo(Path.of("bundles/cpu-iforest"));
 * }</pre>
 */
public interface AnomalyDetector {

    /** @return the detector's short name, e.g. {@code isolation-forest} */
    String name();

    /**
     * Fits the detector. Rows with a non-finite value are left out of the fit and counted in
     * {@link DetectorModel#fitReport()} with the reason.
     *
     * @param rows the unlabelled training rows; read in one or more passes
     * @return the fitted model
     * @throws dev.anomalyops.core.InputException when fewer than two usable rows remain
     */
    DetectorModel fit(RowSource rows);
}
