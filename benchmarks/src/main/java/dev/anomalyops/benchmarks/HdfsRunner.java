package dev.anomalyops.benchmarks;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.anomalyops.benchmarks.logs.BinaryMetrics;
import dev.anomalyops.benchmarks.logs.HdfsSessions;
import dev.anomalyops.benchmarks.logs.SemiSupervisedStep;
import dev.anomalyops.benchmarks.logs.LabellingWorkflowStep;
import dev.anomalyops.benchmarks.logs.Xgboost;
import java.nio.file.Path;
import java.time.Clock;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ./bench hdfs --sessions HDFS_100k_sessions.csv}: log anomaly detection on the HDFS block sessions.
 * Each block becomes a vector of template counts (the SDK's session features). The file's own split
 * ({@code Split}: deep-loglizer's random 80/20 split) is the held-out protocol: nothing is fitted on a test
 * block.
 *
 * <ul>
 *   <li>{@code supervised_f1}: XGBoost (binary:logistic, depth 6, eta 0.3, 100 rounds, nthread 1) trained on
 *       all training labels, test blocks flagged at probability 0.5.</li>
 *   <li>{@code semi_supervised_f1}: the {@link SemiSupervisedStep}: an unsupervised detector flags training
 *       blocks, a simulated reviewer reveals the labels of at most {@code --review-budget} (20%, rounded down)
 *       of the flagged ones, the rest are pseudo-labelled, and a classifier trained on these labels predicts the
 *       test blocks. The step is {@link LabellingWorkflowStep}: anomaly-train's Isolation Forest, review queue,
 *       pseudo-labeller, label store and training set.</li>
 * </ul>
 */
@Command(name = "hdfs", mixinStandardHelpOptions = true,
        description = "Supervised and semi-supervised anomaly detection on HDFS block sessions (template-count vectors).")
public final class HdfsRunner implements Bench.Runner {
    @Option(names = "--sessions", required = true, paramLabel = "FILE",
            description = "HDFS_100k_sessions.csv: BlockId,Label,Split,NumEvents,TemplateIdSequence.")
    Path sessions;

    @Option(names = "--review-budget", defaultValue = "0.2", paramLabel = "SHARE",
            description = "Share of the flagged training blocks whose label a reviewer reveals (default 0.2).")
    double reviewBudget;

    @Option(names = "--seed", defaultValue = "1", paramLabel = "N", description = "Random seed (default 1).")
    int seed;

    @Override
    public ObjectNode call() throws Exception {
        if (!(reviewBudget >= 0 && reviewBudget <= 1)) {
            throw new IllegalArgumentException("--review-budget must be between 0 and 1 but was " + reviewBudget);
        }
        HdfsSessions data = HdfsSessions.read(sessions);
        HdfsSessions.Split train = data.split("train");
        HdfsSessions.Split test = data.split("test");
        Bench.progress("%d blocks: train %d (%d anomalous), test %d (%d anomalous); %d template columns",
                data.sessions().size(), train.size(), train.anomalies(), test.size(), test.anomalies(),
                data.vocabulary().size());
        if (train.size() == 0 || test.size() == 0) {
            throw new IllegalArgumentException("The sessions file needs both train and test blocks (column Split)");
        }

        BinaryMetrics ceiling = HdfsSessions.countVectorCeiling(train, test);
        Bench.progress("Ceiling for any count-vector classifier (majority label per vector, peeks at test labels): F1 %.4f",
                ceiling.f1());
        Xgboost supervised = Xgboost.train(train.features(), train.labels(), null, seed);
        BinaryMetrics full;
        try {
            full = BinaryMetrics.of(test.labels(), threshold(supervised.predict(test.features())));
        } finally {
            supervised.dispose();
        }
        Bench.progress("Supervised XGBoost: precision %.4f, recall %.4f, F1 %.4f", full.precision(), full.recall(),
                full.f1());

        SemiSupervisedStep step = new LabellingWorkflowStep(Clock.systemUTC());
        Bench.progress("Semi-supervised step: %s", step.name());
        int[] trainLabels = train.labels();
        int[] asked = new int[1];
        SemiSupervisedStep.Outcome outcome = step.run(train.features(), flagged -> {
            // ReviewQueue's rule: rounded down, so the budget is never exceeded.
            int budget = (int) Math.floor(reviewBudget * flagged + 1e-9);
            return new SemiSupervisedStep.Reviewer() {
                private int left = budget;

                @Override
                public int label(int trainIndex) {
                    if (left <= 0) {
                        throw new IllegalStateException("The review budget of " + budget + " labels is spent");
                    }
                    left--;
                    asked[0]++;
                    return trainLabels[trainIndex];
                }

                @Override
                public int remaining() {
                    return left;
                }
            };
        }, reviewBudget, test.features(), seed);
        BinaryMetrics semi = BinaryMetrics.of(test.labels(), outcome.predictions());
        BinaryMetrics detector = BinaryMetrics.of(test.labels(), outcome.detectorPredictions());
        Bench.progress("Detector flagged %d of %d training blocks; reviewer labelled %d (%d anomalous)", outcome.flagged(),
                train.size(), asked[0], outcome.reviewedAnomalies());
        Bench.progress("Detector alone: precision %.4f, recall %.4f, F1 %.4f", detector.precision(), detector.recall(),
                detector.f1());
        Bench.progress("Semi-supervised: precision %.4f, recall %.4f, F1 %.4f", semi.precision(), semi.recall(), semi.f1());

        ObjectNode figures = Bench.figures();
        figures.put("semi_supervised_f1", semi.f1());
        figures.put("supervised_f1", full.f1());
        figures.put("semi_supervised_precision", semi.precision());
        figures.put("semi_supervised_recall", semi.recall());
        figures.put("supervised_precision", full.precision());
        figures.put("supervised_recall", full.recall());
        figures.put("detector_f1", detector.f1());
        figures.put("count_vector_f1_ceiling", ceiling.f1());
        figures.put("flagged_train_blocks", outcome.flagged());
        figures.put("human_labels", asked[0]);
        figures.put("train_blocks", train.size());
        figures.put("test_blocks", test.size());
        figures.put("semi_supervised_step", step.name());
        return figures;
    }

    private static int[] threshold(double[] probabilities) {
        int[] predicted = new int[probabilities.length];
        for (int i = 0; i < probabilities.length; i++) {
            predicted[i] = probabilities[i] >= 0.5 ? 1 : 0;
        }
        return predicted;
    }
}
