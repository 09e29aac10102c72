package dev.anomalyops.train.detect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.anomalyops.core.FeatureSchema;
import dev.anomalyops.core.scoring.FeatureBatch;
import dev.anomalyops.train.RowSource;
import dev.anomalyops.train.eval.RankingMetrics;
import dev.anomalyops.train.internal.TribuoOneClass;
import dev.anomalyops.train.testing.Smd;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.tribuo.Model;
import org.tribuo.Prediction;
import org.tribuo.anomaly.AnomalyFactory;
import org.tribuo.anomaly.Event;
import org.tribuo.impl.ArrayExample;

/** Tribuo's one-class SVM behind our interface: the extracted linear function must be Tribuo's own. */
class OneClassSvmTest {

    @Test
    void decisionValuesAndLabelsAreTribuosOwn() {
        FeatureBatch train = Smd.rows("train", "machine-1-2");
        FeatureBatch sample = FeatureBatch.wrap(train.schema(), Arrays.copyOf(train.values(), 3000 * 38), 3000);
        TribuoOneClass.Fitted fitted = TribuoOneClass.train(sample.values(), 3000, train.schema().names(), 0.5, 1.0,
                1000, 0.1);
        @SuppressWarnings("unchecked")
        Model<Event> tribuo = (Model<Event>) fitted.tribuoModel();
        OneClassSvmModel model = new OneClassSvmModel(train.schema(), fitted.weights(), fitted.intercept(),
                new double[38], 1.0, Contamination.auto(), 0.5, java.util.Map.of(), new FitReport(0, 0, 0,
                        java.util.List.of(), 0));
        String[] names = train.schema().names().toArray(String[]::new);
        double[] scores = new double[train.rows()];
        model.score(train, scores);
        for (int r = 0; r < train.rows(); r += 97) {
            float[] row = train.copyRow(r);
            double[] values = new double[row.length];
            for (int j = 0; j < row.length; j++) {
                values[j] = row[j];
            }
            Prediction<Event> prediction = tribuo.predict(new ArrayExample<>(AnomalyFactory.UNKNOWN_EVENT, names, values));
            assertThat(model.decisionValue(row)).isCloseTo(prediction.getOutput().getScore(), within(1e-9));
            boolean anomalous = prediction.getOutput().getType() == Event.EventType.ANOMALOUS;
            assertThat(scores[r] >= model.threshold()).as("row %d", r).isEqualTo(anomalous);
        }
    }

    @Test
    void fitsBySampleAndFlagsTheContaminationShare() {
        // Normal rows far from the origin, anomalies near it: what a linear one-class SVM can see.
        SplittableRandom random = new SplittableRandom(5);
        int rows = 5000;
        FeatureBatch batch = FeatureBatch.allocate(FeatureSchema.unnamed(3), rows);
        int[] labels = new int[rows];
        for (int r = 0; r < rows; r++) {
            labels[r] = r % 100 == 0 ? 1 : 0;
            for (int c = 0; c < 3; c++) {
                batch.set(r, c, (float) ((labels[r] == 1 ? 0.5 : 5.0) + random.nextGaussian() * 0.5));
            }
        }
        OneClassSvmModel model = OneClassSvm.builder().maxSamples(1000).contamination(Contamination.of(0.05)).seed(2)
                .build().fit(RowSource.of(batch));
        double[] scores = model.scoreAll(RowSource.of(batch));
        assertThat(RankingMetrics.rocAuc(scores, labels)).isGreaterThan(0.99);
        long flagged = Arrays.stream(scores).filter(s -> s >= model.threshold()).count();
        assertThat(flagged / (double) rows).isCloseTo(0.05, within(0.001));
        assertThat(model.hyperParameters()).containsEntry("max_samples_used", "1000");
        assertThat(Arrays.stream(scores).min().orElseThrow()).isGreaterThan(0.0);
        assertThat(Arrays.stream(scores).max().orElseThrow()).isLessThan(1.0);

        OneClassSvmModel read = OneClassSvmModel.fromBytes(model.toBytes(), null);
        assertThat(read.scoreAll(RowSource.of(batch))).containsExactly(scores);
        assertThat(read.toBytes()).isEqualTo(model.toBytes());
        assertThat(OneClassSvm.builder().maxSamples(1000).contamination(Contamination.of(0.05)).seed(2).build()
                .fit(RowSource.of(batch)).toBytes()).as("deterministic").isEqualTo(model.toBytes());
    }
}
