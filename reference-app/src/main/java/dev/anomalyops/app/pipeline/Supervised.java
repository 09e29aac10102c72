package dev.anomalyops.app.pipeline;

import dev.anomalyops.core.scoring.FeatureBatch;
import dev.anomalyops.drift.ProfileOptions;
import dev.anomalyops.drift.ReferenceProfile;
import dev.anomalyops.train.RowSource;
import dev.anomalyops.train.label.LabelStore;
import dev.anomalyops.train.label.TrainingSet;
import dev.anomalyops.train.supervised.ClassWeighting;
import dev.anomalyops.train.supervised.CrossValidation;
import dev.anomalyops.train.supervised.DriftProfiler;
import dev.anomalyops.train.supervised.LightgbmTrainer;
import dev.anomalyops.train.supervised.QualityGates;
import dev.anomalyops.train.supervised.SupervisedTraining;
import dev.anomalyops.train.supervised.ThresholdRule;
import dev.anomalyops.train.supervised.TrainingData;
import dev.anomalyops.train.supervised.TrainingReport;
import dev.anomalyops.train.supervised.XgboostTrainer;
import java.nio.file.Path;
import java.util.Locale;

/**
 * The supervised step shared by {@code anomalyops train} and the demo: the drift profiler that puts the reference
 * profile in a trained bundle, the report's readable summary, and the demo's run (the XGBoost champion and the
 * LightGBM challenger on the label store's rows, cross-validated, gated).
 */
public final class Supervised {
    private Supervised() {}

    /** @return the profiler that stores the drift reference profile in a trained bundle */
    public static DriftProfiler driftProfiler() {
        return new DriftProfiler() {
            @Override
            public String fileName() {
                return ReferenceProfile.FILE_NAME;
            }

            @Override
            public byte[] profile(FeatureBatch rows, double[] probabilities) {
                return ReferenceProfile.learn(rows, probabilities, new ProfileOptions(ProfileOptions.DEFAULT_BINS,
                        ProfileOptions.DEFAULT_OUTLIER_MULTIPLIER)).toJson();
            }
        };
    }

    /**
     * @param report a training report
     * @return one line per model, the cross-validation summary, the comparisons and the gates' outcome
     */
    public static String describe(TrainingReport report) {
        StringBuilder text = new StringBuilder();
        report.models().forEach(m -> text.append(String.format(Locale.ROOT,
                "%-18s %-10s hold-out F1 %.4f  precision %.4f  recall %.4f  PR-AUC %.4f  threshold %.4f%n", m.name(),
                m.role(), m.holdout().pointwise().f1(), m.holdout().pointwise().precision(),
                m.holdout().pointwise().recall(), m.holdout().averagePrecision(), m.threshold())));
        if (report.crossValidation() != null) {
            text.append("Cross-validation (").append(report.crossValidation().scheme()).append("): ");
            report.crossValidation().summary().forEach((k, s) -> text.append(k).append(' ').append(s).append("  "));
            text.append('\n');
        }
        report.comparisons().forEach(c -> text.append(String.format(Locale.ROOT,
                "%s vs %s: F1 difference %.4f [%.4f, %.4f], McNemar p %.4g -> %s%n", c.challenger(), c.champion(),
                c.f1Difference(), c.f1DifferenceLow(), c.f1DifferenceHigh(), c.mcnemarP(), c.recommendation())));
        if (report.passed()) {
            text.append("Quality gates passed.");
        } else {
            text.append("Quality gates FAILED: ");
            report.gates().failures().forEach(f -> text.append(f).append("; "));
            text.append("not registered.");
        }
        return text.toString();
    }

    /**
     * Trains the demo's champion and challenger on labelled rows: every row carries the label store's effective
     * label (the detector's pseudo-label, or the reviewer's answer), XGBoost against LightGBM with the same
     * settings as {@code anomalyops train}'s defaults.
     *
     * @param rows the rows, in time order per machine
     * @param labels the label store
     * @param rounds boosting rounds
     * @param folds cross-validation folds (0: none)
     * @param gates the quality gates, as {@code anomalyops train --gates} reads them
     * @param seed the seed
     * @return the report (not yet written or registered)
     */
    public static TrainingReport train(FeatureTable rows, Path labels, int rounds, int folds, String gates,
            long seed) {
        TrainingSet set;
        try (LabelStore store = LabelStore.open(labels)) {
            set = TrainingSet.builder().labels(store).rows(RowSource.of(rows.batch()),
                    r -> Detect.rowId(rows, (int) r)).build();
        }
        SupervisedTraining.Builder stage = SupervisedTraining.builder()
                .champion(XgboostTrainer.builder().rounds(rounds).maxDepth(6).learningRate(0.3)
                        .classWeighting(ClassWeighting.parse("balanced")).seed(seed).build())
                .challenger(LightgbmTrainer.builder().rounds(rounds).seed(seed).build())
                .thresholdRule(ThresholdRule.parse("f1"))
                .gates(QualityGates.parse(gates))
                .holdoutFraction(0.2)
                .seed(seed)
                .driftProfiler(driftProfiler());
        if (folds > 0) {
            stage.crossValidation(CrossValidation.builder().folds(folds).seed(seed).build());
        }
        return stage.build().run(TrainingData.from(set));
    }
}
