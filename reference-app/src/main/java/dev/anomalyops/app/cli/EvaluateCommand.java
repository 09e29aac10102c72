package dev.anomalyops.app.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.anomalyops.core.model.ModelBundle;
import dev.anomalyops.core.scoring.FeatureBatch;
import dev.anomalyops.core.scoring.Scorer;
import dev.anomalyops.core.scoring.ScorerOptions;
import dev.anomalyops.core.scoring.Scorers;
import dev.anomalyops.train.eval.Evaluation;
import dev.anomalyops.train.label.TrainingSet;
import dev.anomalyops.train.supervised.Comparison;
import dev.anomalyops.train.supervised.QualityGates;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code anomalyops evaluate}: scores labelled rows with a bundle (any engine of the {@code Scorer} SPI, so imported
 * CatBoost bundles too) at the bundle's threshold, prints point-wise and point-adjusted figures and the quality-gate
 * verdict, and with {@code --challenger} compares a second bundle on the same rows (McNemar, paired bootstrap).
 * Exits 1 when a gate fails.
 */
@Command(name = "evaluate", mixinStandardHelpOptions = true,
        description = "Evaluate a bundle (and optionally a challenger bundle) on labelled rows.")
final class EvaluateCommand implements Callable<Integer> {
    @Mixin
    Output output;

    @Mixin
    TrainingInput input;

    @Parameters(paramLabel = "BUNDLE", description = "The champion bundle (directory or .zip).")
    Path bundlePath;

    @Option(names = "--challenger", paramLabel = "BUNDLE", description = "A challenger bundle to compare on the same rows.")
    Path challengerPath;

    @Option(names = "--gates", defaultValue = "f1>0.85,precision>0.9",
            description = "Quality gates, or none (default: ${DEFAULT-VALUE}).")
    String gates;

    @Option(names = "--seed", defaultValue = "0", description = "Bootstrap seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Override
    public Integer call() {
        TrainingSet set = input.trainingSet();
        int[] labels = set.labels();
        ObjectNode document = output.object();
        StringBuilder text = new StringBuilder();
        double[] championScores;
        double championThreshold;
        try (Scorer champion = Scorers.open(ModelBundle.read(bundlePath), ScorerOptions.defaults())) {
            championScores = score(champion, set.rows());
            championThreshold = champion.model().threshold();
            Evaluation evaluation = Evaluation.of(championScores, championThreshold, labels);
            QualityGates.Result verdict = QualityGates.parse(gates).check(evaluation.pointwise(),
                    evaluation.averagePrecision(), evaluation.rocAuc());
            ObjectNode figures = document.putObject("champion");
            figures.put("bundle", bundlePath.toString());
            figures.put("engine", champion.model().engine());
            figures.put("threshold", championThreshold);
            evaluation.figures("").forEach((k, v) -> figures.put(k, v.doubleValue()));
            figures.put("quality_gates_passed", verdict.passed());
            verdict.failures().forEach(f -> figures.withArray("quality_gate_failures").add(f.toString()));
            text.append(line("champion", evaluation));
            text.append(verdict.passed() ? "Quality gates passed." : "Quality gates FAILED: " + verdict.failures());
            if (challengerPath != null) {
                try (Scorer challenger = Scorers.open(ModelBundle.read(challengerPath), ScorerOptions.defaults())) {
                    double[] scores = score(challenger, set.rows());
                    Evaluation ce = Evaluation.of(scores, challenger.model().threshold(), labels);
                    ObjectNode cf = document.putObject("challenger");
                    cf.put("bundle", challengerPath.toString());
                    cf.put("engine", challenger.model().engine());
                    ce.figures("").forEach((k, v) -> cf.put(k, v.doubleValue()));
                    Comparison c = Comparison.of("champion", championScores, championThreshold, "challenger", scores,
                            challenger.model().threshold(), labels, 1000, seed);
                    document.putObject("comparison").put("f1_difference", c.f1Difference())
                            .put("f1_difference_low", c.f1DifferenceLow()).put("f1_difference_high", c.f1DifferenceHigh())
                            .put("mcnemar_p", c.mcnemarP()).put("recommendation", c.recommendation());
                    text.append('\n').append(line("challenger", ce)).append(String.format(Locale.ROOT,
                            "F1 difference %.4f [%.4f, %.4f], McNemar p %.4g -> %s", c.f1Difference(),
                            c.f1DifferenceLow(), c.f1DifferenceHigh(), c.mcnemarP(), c.recommendation()));
                }
            }
            output.print(document, text.toString());
            return verdict.passed() ? 0 : AnomalyOpsCli.FAILED;
        }
    }

    private static double[] score(Scorer scorer, FeatureBatch rows) {
        scorer.model().schema().requireSameLayout(rows.schema());
        double[] out = new double[rows.rows()];
        scorer.score(FeatureBatch.wrap(scorer.model().schema(), rows.values(), rows.rows()), out);
        return out;
    }

    private static String line(String role, Evaluation e) {
        return String.format(Locale.ROOT, "%-10s F1 %.4f  precision %.4f  recall %.4f  F1 (point-adjusted) %.4f  "
                + "ROC-AUC %.4f  PR-AUC %.4f%n", role, e.pointwise().f1(), e.pointwise().precision(), e.pointwise().recall(),
                e.pointAdjusted().f1(), e.rocAuc(), e.averagePrecision());
    }
}
