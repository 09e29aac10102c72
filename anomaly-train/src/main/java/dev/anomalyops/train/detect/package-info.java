/**
 * Unsupervised anomaly detectors behind one interface: {@link dev.anomalyops.train.detect.AnomalyDetector}
 * fits a {@link dev.anomalyops.train.detect.DetectorModel} from a {@link dev.anomalyops.train.RowSource}.
 * {@link dev.anomalyops.train.detect.IsolationForest} follows scikit-learn's semantics;
 * {@link dev.anomalyops.train.detect.OneClassSvm} wraps Tribuo's linear one-class SVM. Fitted models write
 * themselves into a {@link dev.anomalyops.core.model.ModelBundle}, and this package's scorer providers score
 * such bundles through {@link dev.anomalyops.core.scoring.Scorers}.
 */
@NullMarked
package dev.anomalyops.train.detect;

import org.jspecify.annotations.NullMarked;
