package dev.anomalyops.app.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.anomalyops.app.pipeline.Demo;
import dev.anomalyops.app.pipeline.Drift;
import dev.anomalyops.app.pipeline.Explain;
import dev.anomalyops.app.pipeline.PipelineConfig;
import dev.anomalyops.train.eval.Evaluation;
import java.time.Clock;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code anomalyops demo}: the whole pipeline on the bundled public data. */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = {"The whole pipeline on the bundled public data, with an HTML report.",
            "Run the whole pipeline on the bundled public data with built-in defaults, no server and no "
                + "cloud account: ingest, validate, features, parse logs (templates), Isolation Forest, review queue (answered from the "
                + "dataset's labels), register, drift on a shifted stream, explanations.",
            "With --spark, a last stage runs the same features, Isolation Forest scoring and XGBoost training on Apache"
                + " Spark in local mode (a child JVM with anomaly-spark) and checks them against the single machine.",
            "Progress on stderr, a short report on stdout, the HTML report in WORK/demo/report.html."})
final class DemoCommand implements Callable<Integer> {
    @Mixin
    Output output;

    @Mixin
    PipelineOptions pipeline;

    @Option(names = "--spark", description = "Also run the Spark stage (Spark local mode; needs this checkout's"
            + " anomaly-spark, built on first use).")
    boolean spark;

    @Override
    public Integer call() {
        PipelineConfig config = pipeline.load();
        Demo.Result result = Demo.run(config, output::progress, Clock.systemUTC(), spark);
        ObjectNode document = Demo.summary(result.state(), result.seconds());
        output.print(document, text(result));
        return 0;
    }

    private static String text(Demo.Result result) {
        Demo.State s = result.state();
        StringBuilder t = new StringBuilder();
        t.append(String.format("AnomalyOps demo: %s, %,d metric rows, %,d log lines, %.0f s%n",
                String.join(", ", s.config.data().machines()), s.ingest.totalRows(),
                s.ingest.logLines().values().stream().mapToLong(Long::longValue).sum(), result.seconds()));
        t.append(String.format("  validation     %,d rows quarantined of %,d%n", s.validation.quarantined(),
                s.validation.rowsIn()));
        t.append(String.format("  features       %d per row%n", s.features.spec().schema().size()));
        for (dev.anomalyops.app.pipeline.Logs.SystemResult l : s.logs.values()) {
            t.append(String.format("  logs           %s: %,d lines, %,d parsed, %d templates, %,d WARN, %,d ERROR+%n",
                    l.system(), l.lines(), l.parsed(), l.templates(), l.warnings(), l.errors()));
        }
        Evaluation e = s.detect.evaluation();
        t.append(String.format("  detector       Isolation Forest: ROC-AUC %.3f, PR-AUC %.3f, F1 %.3f (point-adjusted"
                + " %.3f), %d of %d incidents found%n", e.rocAuc(), e.averagePrecision(), e.pointwise().f1(),
                e.pointAdjusted().f1(), e.detectedSegments(), e.segments()));
        t.append(String.format("  review         %,d flagged, %,d reviewed (answered from the dataset's labels):"
                + " %,d anomalies, %,d false alarms%n", s.detect.review().flagged(), s.detect.review().answered(),
                s.detect.review().confirmed(), s.detect.review().answered() - s.detect.review().confirmed()));
        if (s.training != null) {
            for (var m : s.training.models()) {
                t.append(String.format("  %-14s %s: hold-out F1 %.3f, precision %.3f, recall %.3f, PR-AUC %.3f%n",
                        m.role(), m.name(), m.holdout().pointwise().f1(), m.holdout().pointwise().precision(),
                        m.holdout().pointwise().recall(), m.holdout().averagePrecision()));
            }
            var cv = s.training.crossValidation();
            t.append(String.format("  gates          %s%s%n", s.training.passed() ? "passed"
                    : "FAILED (" + s.training.gates().failures().stream().map(Object::toString)
                            .collect(java.util.stream.Collectors.joining("; ")) + ")",
                    cv == null ? "" : String.format("; %d-fold CV (%s) F1 %.3f +- %.3f", cv.folds().size(),
                            cv.scheme(), cv.summary().get("f1").mean(), cv.summary().get("f1").std())));
        }
        if (s.registered != null) {
            t.append("  registry       ").append(s.registered.ref()).append(" -> production");
            if (s.registeredChampion != null) {
                t.append(", ").append(s.registeredChampion.ref()).append(" -> staging");
            }
            t.append('\n');
        }
        if (s.serving != null) {
            for (var v : s.serving.variants().values()) {
                t.append(String.format("  served         %-10s (version %s): %d of %d requests, %,d rows, %,d flagged,"
                        + " precision %.3f, recall %.3f%n", v.variant(), String.join(",", v.versions()), v.requests(),
                        s.serving.requests(), v.rows(), v.flagged(), v.precision(), v.recall()));
            }
        }
        for (Drift.Comparison c : s.drift) {
            t.append(String.format("  drift          %s: %d features drifted, max PSI %.3f%n", c.name(),
                    c.drifted().size(), c.report().maxFeaturePsi()));
        }
        // The top three keep the report short; all of them are in the HTML report.
        for (Explain.Explanation x : s.explanations.subList(0, Math.min(3, s.explanations.size()))) {
            t.append("  anomaly        ").append(x.sentence()).append('\n');
        }
        if (!s.ragExplanations.isEmpty()) {
            long withIncidents = s.ragExplanations.stream().filter(x -> !x.explanation().incidents().isEmpty()).count();
            double grounding = s.ragExplanations.stream().mapToDouble(x -> x.explanation().grounding().score())
                    .average().orElse(Double.NaN);
            t.append(String.format("  explained      %d anomalies by the embedded explainer (%s): %d with similar past"
                    + " incidents, mean grounding %.2f%n", s.ragExplanations.size(),
                    s.ragExplanations.get(0).explanation().generator(), withIncidents, grounding));
        }
        if (s.spark != null) {
            var f = s.spark.figures();
            t.append(String.format("  spark          Spark %s local[%d]: features %s the single machine's, forest scores"
                    + " within %.1e, %s trained on Spark (hold-out F1 %.3f, PR-AUC %.3f)%n",
                    f.path("sparkVersion").asText(), f.path("cores").asInt(), s.spark.featuresEqual()
                            ? "bit-equal to" : "DIFFERENT from", s.spark.maxScoreDifference(), s.spark.registered(),
                    f.path("training").path("holdout").path("f1").asDouble(),
                    f.path("training").path("holdout").path("prAuc").asDouble()));
        }
        for (String note : s.notes) {
            t.append("  note           ").append(note).append('\n');
        }
        t.append("Report: ").append(result.report().toAbsolutePath().normalize());
        return t.toString();
    }
}
