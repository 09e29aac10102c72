package dev.anomalyops.train.internal;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import org.tribuo.MutableDataset;
import org.tribuo.anomaly.AnomalyFactory;
import org.tribuo.anomaly.Event;
import org.tribuo.anomaly.liblinear.LibLinearAnomalyTrainer;
import org.tribuo.anomaly.liblinear.LinearAnomalyType;
import org.tribuo.common.liblinear.LibLinearModel;
import org.tribuo.impl.ArrayExample;
import org.tribuo.provenance.SimpleDataSourceProvenance;

/**
 * The only class touching Tribuo (an optional dependency): trains Tribuo's liblinear one-class SVM and
 * reads the linear decision function back out of it, so scoring needs no Tribuo at all.
 */
public final class TribuoOneClass {
    private static final String TRAINER = "org.tribuo.anomaly.liblinear.LibLinearAnomalyTrainer";

    private TribuoOneClass() {}

    /**
     * The decision function {@code d(x) = weights · x + intercept}; {@code d <= 0} is Tribuo's "anomalous".
     *
     * @param weights one weight per feature in schema order
     * @param intercept the constant term (bias weight minus rho)
     * @param tribuoModel the trained Tribuo model, for callers that want to compare with it
     */
    public record Fitted(double[] weights, double intercept, Object tribuoModel) {}

    /** @return whether Tribuo's liblinear anomaly module is on the class path */
    public static boolean available() {
        try {
            Class.forName(TRAINER, false, TribuoOneClass.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }

    /**
     * @param rows row-major training rows, all finite
     * @param n number of rows
     * @param names feature names in schema order
     * @param nu the one-class SVM's nu (upper bound on the share of training outliers)
     * @param cost liblinear's C
     * @param maxIterations liblinear's iteration cap
     * @param tolerance liblinear's stopping tolerance
     * @return the decision function
     */
    public static Fitted train(float[] rows, int n, List<String> names, double nu, double cost, int maxIterations,
            double tolerance) {
        AnomalyFactory factory = new AnomalyFactory();
        // A fixed timestamp keeps Tribuo's provenance (and so its own serialised form) reproducible.
        OffsetDateTime fixed = OffsetDateTime.of(2000, 1, 1, 0, 0, 0, 0, ZoneOffset.UTC);
        MutableDataset<Event> dataset = new MutableDataset<>(new SimpleDataSourceProvenance("anomalyops", fixed, factory),
                factory);
        int d = names.size();
        String[] featureNames = names.toArray(String[]::new);
        for (int r = 0; r < n; r++) {
            double[] values = new double[d];
            for (int j = 0; j < d; j++) {
                values[j] = rows[r * d + j];
            }
            dataset.add(new ArrayExample<>(AnomalyFactory.EXPECTED_EVENT, featureNames, values));
        }
        LibLinearAnomalyTrainer trainer = new LibLinearAnomalyTrainer(
                new LinearAnomalyType(LinearAnomalyType.LinearType.ONECLASS_SVM), cost, maxIterations, tolerance, nu);
        LibLinearModel<Event> model = trainer.train(dataset);
        de.bwaldvogel.liblinear.Model inner = model.getInnerModels().get(0);
        double[] w = inner.getFeatureWeights();
        double[] weights = new double[d];
        int features = model.getFeatureIDMap().size();
        for (int j = 0; j < d; j++) {
            int id = model.getFeatureIDMap().getID(names.get(j));
            weights[j] = id >= 0 && id < w.length ? w[id] : 0.0;
        }
        // Tribuo appends a constant bias feature (value 1) after the real ones.
        double intercept = (w.length > features ? w[features] : 0.0) - inner.getDecfunRho();
        if (inner.getBias() >= 0 && w.length > features + 1) {
            intercept += inner.getBias() * w[features + 1];
        }
        return new Fitted(weights, intercept, model);
    }
}
