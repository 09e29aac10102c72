package dev.anomalyops.benchmarks.smd;

import dev.anomalyops.core.scoring.FeatureBatch;
import dev.anomalyops.train.label.TrainingSet;
import dev.anomalyops.train.supervised.CrossValidation;
import dev.anomalyops.train.supervised.LightgbmTrainer;
import dev.anomalyops.train.supervised.QualityGates;
import dev.anomalyops.train.supervised.SupervisedTraining;
import dev.anomalyops.train.supervised.TrainingData;
import dev.anomalyops.train.supervised.TrainingReport;
import dev.anomalyops.train.supervised.XgboostTrainer;
import java.util.HashMap;
import java.util.Map;

/**
 * The supervised stage of the SMD protocol: the production half's labels in effect (revealed and pseudo, with their
 * weights, from {@link LabellingStage}) on {@link TemporalFeatures}, the XGBoost champion (defaults) and the LightGBM
 * challenger (defaults) trained by {@link SupervisedTraining} with the threshold chosen for best F1 on the last 20 %
 * of the production half, and one evaluation of the evaluation half, which nothing before has seen.
 */
public final class SupervisedStage {
    private final long seed;
    private final boolean crossValidate;

    /**
     * @param seed trainers' and bootstrap seed
     * @param crossValidate also cross-validate the champion on the production half (5 time-ordered folds)
     */
    public SupervisedStage(long seed, boolean crossValidate) {
        this.seed = seed;
        this.crossValidate = crossValidate;
    }

    /**
     * What the stage produced.
     *
     * @param report the training report (hold-out = evaluation half)
     * @param production the production half's training data on the derived features
     * @param evaluation the evaluation half's derived features
     * @param featureSeconds time to derive the features
     * @param stageSeconds time of the whole supervised stage (features, training, threshold, evaluation)
     */
    public record Outcome(TrainingReport report, TrainingData production, FeatureBatch evaluation,
            double featureSeconds, double stageSeconds) {}

    /**
     * @param split the machine's split
     * @param labelling the labelling stage's outcome
     * @return the outcome
     */
    public Outcome run(SmdSplit split, LabellingStage.Outcome labelling) {
        long started = System.nanoTime();
        TemporalFeatures features = new TemporalFeatures(split.production().columns());
        FeatureBatch[] derived = features.derive(split);
        double featureSeconds = (System.nanoTime() - started) / 1e9;
        TrainingData production = trainingData(split, labelling.trainingSet(), derived[0]);
        TrainingData evaluation = TrainingData.of(derived[1], split.evaluationLabels());
        SupervisedTraining training = SupervisedTraining.builder()
                .champion(XgboostTrainer.builder().seed(seed).build())
                .challenger(LightgbmTrainer.builder().seed(seed).build())
                .crossValidation(crossValidate ? CrossValidation.builder().seed(seed).build() : null)
                .gates(QualityGates.defaults())
                .seed(seed)
                .build();
        TrainingReport report = training.run(production, evaluation);
        return new Outcome(report, production, derived[1], featureSeconds, (System.nanoTime() - started) / 1e9);
    }

    /** The production rows that have a label in effect, in time order, on the derived features. */
    static TrainingData trainingData(SmdSplit split, TrainingSet set, FeatureBatch derived) {
        Map<String, Integer> rowOf = new HashMap<>();
        for (int r = 0; r < derived.rows(); r++) {
            rowOf.put(split.productionId(r), r);
        }
        int n = set.size();
        Integer[] order = new Integer[n];
        int[] rows = new int[n];
        for (int i = 0; i < n; i++) {
            Integer row = rowOf.get(set.ids().get(i));
            if (row == null) {
                throw new IllegalStateException("Label id \"" + set.ids().get(i) + "\" is not a production row");
            }
            rows[i] = row;
            order[i] = i;
        }
        java.util.Arrays.sort(order, (a, b) -> Integer.compare(rows[a], rows[b]));
        int width = derived.columns();
        float[] values = new float[n * width];
        int[] labels = new int[n];
        float[] weights = new float[n];
        for (int k = 0; k < n; k++) {
            int i = order[k];
            System.arraycopy(derived.values(), rows[i] * width, values, k * width, width);
            labels[k] = set.labels()[i];
            weights[k] = set.weights()[i];
        }
        return TrainingData.of(FeatureBatch.wrap(derived.schema(), values, n), labels, weights);
    }
}
