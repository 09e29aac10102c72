package dev.anomalyops.app.pipeline;

import dev.anomalyops.drift.FeatureDrift;
import dev.anomalyops.features.validation.Rule;
import dev.anomalyops.features.validation.ValidationReport;
import dev.anomalyops.train.eval.Confusion;
import dev.anomalyops.train.eval.Evaluation;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The demo's HTML report: one self-contained page (inline CSS and SVG, no script, nothing fetched from the
 * network) with the steps, data and validation counts, the detector's metrics, confusion matrix and
 * precision-recall curve, drift per feature and the explained anomalies.
 */
public final class HtmlReport {
    private HtmlReport() {}

    /**
     * @param s the finished demo state
     * @param seconds wall time of the run
     * @return the page
     */
    public static String render(Demo.State s, double seconds) {
        StringBuilder h = new StringBuilder(64 * 1024);
        h.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">")
                .append("<title>AnomalyOps demo report</title><style>")
                .append("body{font:14px/1.45 system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;margin:2em auto;")
                .append("max-width:1060px;color:#1d2733;padding:0 1em}h1{font-size:1.6em;margin-bottom:.2em}")
                .append("h2{font-size:1.2em;border-bottom:1px solid #d5dbe3;padding-bottom:.2em;margin-top:1.8em}")
                .append("table{border-collapse:collapse;margin:.5em 0}td,th{padding:.25em .7em;border:1px solid #d5dbe3;")
                .append("text-align:left}th{background:#f1f4f8}td.n{text-align:right;font-variant-numeric:tabular-nums}")
                .append(".muted{color:#5c6b7a}.grid{display:flex;gap:2em;flex-wrap:wrap;align-items:flex-start}")
                .append(".cm td{width:7em;height:3em;text-align:center;font-size:1.1em}.ok{background:#d8f0dc}")
                .append(".bad{background:#f8dcdc}.note{background:#fff8e1;border-left:4px solid #f0b400;padding:.4em .8em;")
                .append("margin:.4em 0}li{margin:.3em 0}code{background:#f1f4f8;padding:0 .25em}")
                .append("</style></head><body>\n");
        h.append("<h1>AnomalyOps demo report</h1><p class=\"muted\">Generated ").append(esc(Instant.now().toString()))
                .append(" &middot; whole run ").append(fmt(seconds, 1)).append(" s &middot; data ")
                .append(esc(s.config.data().source())).append(" &middot; machines ")
                .append(esc(String.join(", ", s.config.data().machines()))).append("</p>\n");

        h.append("<h2>Steps</h2><table><tr><th>step</th><th>seconds</th></tr>");
        s.seconds.forEach((name, t) -> h.append("<tr><td>").append(esc(name)).append("</td><td class=\"n\">")
                .append(fmt(t, 2)).append("</td></tr>"));
        h.append("</table>\n");
        for (String note : s.notes) {
            h.append("<div class=\"note\">").append(esc(note)).append("</div>\n");
        }

        data(h, s);
        if (!s.logs.isEmpty()) {
            h.append("<h2>Logs</h2><table><tr><th>system</th><th>lines</th><th>parsed</th><th>rejected</th>")
                    .append("<th>WARN</th><th>ERROR+</th><th>templates</th><th>most frequent templates</th></tr>");
            for (Logs.SystemResult l : s.logs.values()) {
                h.append("<tr><td>").append(esc(l.system())).append("</td><td class=\"n\">").append(num(l.lines()))
                        .append("</td><td class=\"n\">").append(num(l.parsed())).append("</td><td class=\"n\">")
                        .append(num(l.rejected())).append("</td><td class=\"n\">").append(num(l.warnings()))
                        .append("</td><td class=\"n\">").append(num(l.errors())).append("</td><td class=\"n\">")
                        .append(l.templates()).append("</td><td>");
                for (dev.anomalyops.features.logs.templates.Template t : l.top().subList(0, Math.min(3, l.top().size()))) {
                    h.append("<code>").append(esc(t.text().length() > 90 ? t.text().substring(0, 90) + "…" : t.text()))
                            .append("</code> &times;").append(num(t.count())).append("<br>");
                }
                h.append("</td></tr>");
            }
            h.append("</table>\n");
        }
        if (s.detect != null) {
            detector(h, s);
        }
        if (!s.drift.isEmpty()) {
            drift(h, s);
        }
        if (s.training != null) {
            supervised(h, s);
        }
        if (s.serving != null) {
            serving(h, s);
        }
        if (s.spark != null) {
            spark(h, s.spark);
        }
        if (!s.explanations.isEmpty()) {
            h.append("<h2>Explained anomalies</h2><p class=\"muted\">The top anomalies of the test split (at least an"
                    + " hour apart), with the metrics furthest from their training mean, in training standard"
                    + " deviations; where the dataset blames metrics for the incident, whether they agree.</p><ol>");
            for (Explain.Explanation e : s.explanations) {
                h.append("<li>").append(esc(e.sentence())).append("</li>");
            }
            long blamed = s.explanations.stream().filter(e -> !e.blamed().isEmpty()).count();
            long agree = s.explanations.stream().filter(Explain.Explanation::agrees).count();
            h.append("</ol><p>").append(agree).append(" of ").append(blamed)
                    .append(" explanations of incidents the dataset explains name one of its blamed metrics among"
                            + " the top three.</p>\n");
        }
        if (!s.ragExplanations.isEmpty()) {
            h.append("<h2>Explanations from past incidents</h2><p class=\"muted\">The embedded explainer of")
                    .append(" <code>anomalyops explain</code>: each anomaly above, described by its most unusual")
                    .append(" metrics, is matched (MiniLM embeddings, cosine similarity &ge; ").append(fmt(Rag.MIN_SIMILARITY, 2))
                    .append(") against the dataset's labelled incidents that began before it; the template explainer")
                    .append(" writes the four sections, and the grounding score says how well the sources back them.</p>");
            for (Rag.Explained e : s.ragExplanations) {
                dev.anomalyops.rag.Explanation x = e.explanation();
                h.append("<h3>").append(esc(e.anomaly().instance())).append(" at ")
                        .append(esc(e.anomaly().timestamp().toString())).append("</h3><p class=\"muted\">")
                        .append(esc(e.message())).append(" &middot; ").append(esc(x.generator()))
                        .append(" &middot; grounding ").append(fmt(x.grounding().score(), 2)).append(" &middot; ")
                        .append(x.incidents().size()).append(" similar past incident(s)");
                for (dev.anomalyops.rag.SimilarIncident i : x.incidents()) {
                    h.append("<br>&nbsp;&nbsp;").append(fmt(i.similarity(), 2)).append(" ")
                            .append(esc(i.incident().message())).append(" (").append(esc(i.incident().occurredAt()
                                    .toString())).append(")");
                }
                if (x.notice() != null) {
                    h.append("<br>").append(esc(x.notice()));
                }
                h.append("</p><table>");
                for (String section : dev.anomalyops.rag.Explanation.SECTIONS) {
                    h.append("<tr><th>").append(esc(section.replace('_', ' '))).append("</th><td>")
                            .append(esc(x.section(section))).append("</td></tr>");
                }
                h.append("</table>\n");
            }
        }
        h.append("</body></html>\n");
        return h.toString();
    }

    private static void supervised(StringBuilder h, Demo.State s) {
        var r = s.training;
        h.append("<h2>Champion and challenger</h2><p class=\"muted\">Trained on ").append(num(r.trainRows()))
                .append(" labelled rows (the label store: pseudo-labels and the reviewer's answers), evaluated on the ")
                .append(num(r.holdoutRows())).append(" latest rows held out.</p>")
                .append("<table><tr><th>model</th><th>role</th><th>F1</th><th>precision</th><th>recall</th>")
                .append("<th>PR-AUC</th><th>ROC-AUC</th><th>threshold</th><th>train s</th></tr>");
        for (var m : r.models()) {
            Evaluation e = m.holdout();
            h.append("<tr><td>").append(esc(m.name())).append("</td><td>").append(esc(m.role()))
                    .append("</td><td class=\"n\">").append(fmt(e.pointwise().f1(), 4))
                    .append("</td><td class=\"n\">").append(fmt(e.pointwise().precision(), 4))
                    .append("</td><td class=\"n\">").append(fmt(e.pointwise().recall(), 4))
                    .append("</td><td class=\"n\">").append(fmt(e.averagePrecision(), 4))
                    .append("</td><td class=\"n\">").append(fmt(e.rocAuc(), 4))
                    .append("</td><td class=\"n\">").append(fmt(m.threshold(), 4))
                    .append("</td><td class=\"n\">").append(fmt(m.trainSeconds(), 2)).append("</td></tr>");
        }
        h.append("</table>\n");
        if (r.crossValidation() != null) {
            h.append("<p>Cross-validation of the champion (").append(r.crossValidation().folds().size())
                    .append(" folds, ").append(esc(r.crossValidation().scheme().toString())).append("): ");
            r.crossValidation().summary().forEach((k, v) -> h.append(esc(k)).append(' ').append(fmt(v.mean(), 4))
                    .append(" &plusmn; ").append(fmt(v.std(), 4)).append("; "));
            h.append("</p>\n");
        }
        for (var c : r.comparisons()) {
            h.append("<p>").append(esc(c.challenger())).append(" vs ").append(esc(c.champion()))
                    .append(": F1 difference ").append(fmt(c.f1Difference(), 4)).append(" [")
                    .append(fmt(c.f1DifferenceLow(), 4)).append(", ").append(fmt(c.f1DifferenceHigh(), 4))
                    .append("], McNemar p ").append(fmt(c.mcnemarP(), 4)).append(" &rarr; ")
                    .append(esc(c.recommendation())).append("</p>\n");
        }
        h.append("<p>Quality gates: ");
        r.gates().figures().forEach((k, v) -> h.append(esc(k)).append(' ').append(fmt(v, 4)).append("; "));
        if (r.passed()) {
            h.append("<span class=\"ok\">passed</span>");
            if (s.registeredChampion != null) {
                h.append(", registered <code>").append(esc(s.registeredChampion.ref())).append("</code> as staging");
            }
        } else {
            h.append("<span class=\"bad\">FAILED</span>: ");
            r.gates().failures().forEach(f -> h.append(esc(f.toString())).append("; "));
            h.append("not registered");
        }
        h.append(".</p>\n");
    }

    private static void serving(StringBuilder h, Demo.State s) {
        Serving.Result r = s.serving;
        h.append("<h2>Served through the A/B router</h2><p class=\"muted\">The reference v2 server started in-process;")
                .append(" the held-out stream (").append(num(r.rows())).append(" rows in ").append(num(r.requests()))
                .append(" requests of up to ").append(Serving.ROWS_PER_REQUEST).append(" rows, one user id each) was")
                .append(" posted to <code>").append(esc(r.url().replaceFirst("^http://[^/]+", ""))).append("</code>")
                .append(r.abTest() ? " with an A/B test production:50 / staging:50." : " (no A/B test: no champion passed"
                        + " its gates).")
                .append(" Precision and recall against the dataset's labels.</p>")
                .append("<table><tr><th>variant</th><th>versions answering</th><th>requests</th><th>share</th>")
                .append("<th>rows</th><th>flagged</th><th>precision</th><th>recall</th></tr>");
        for (Serving.Variant v : r.variants().values()) {
            h.append("<tr><td>").append(esc(v.variant())).append("</td><td>").append(esc(String.join(", ", v.versions())))
                    .append("</td><td class=\"n\">").append(num(v.requests())).append("</td><td class=\"n\">")
                    .append(fmt(100.0 * v.requests() / r.requests(), 1)).append("%</td><td class=\"n\">")
                    .append(num(v.rows())).append("</td><td class=\"n\">").append(num(v.flagged()))
                    .append("</td><td class=\"n\">").append(fmt(v.precision(), 3)).append("</td><td class=\"n\">")
                    .append(fmt(v.recall(), 3)).append("</td></tr>");
        }
        h.append("</table>\n");
    }

    private static void data(StringBuilder h, Demo.State s) {
        if (s.ingest == null) {
            return;
        }
        h.append("<h2>Data and validation</h2><table><tr><th>file</th><th>rows ingested</th><th>valid</th>")
                .append("<th>quarantined</th><th>violations</th></tr>");
        for (Map.Entry<String, Long> e : s.ingest.rows().entrySet()) {
            ValidationReport v = s.validation == null ? null : s.validation.reports().get(e.getKey());
            h.append("<tr><td>").append(esc(e.getKey())).append("</td><td class=\"n\">").append(num(e.getValue()))
                    .append("</td><td class=\"n\">").append(v == null ? "" : num(v.valid()))
                    .append("</td><td class=\"n\">").append(v == null ? "" : num(v.quarantined())).append("</td><td>");
            if (v != null) {
                for (Rule rule : Rule.values()) {
                    Long n = v.violations().get(rule);
                    if (n != null) {
                        h.append(esc(rule.wireName())).append(": ").append(num(n)).append(' ');
                        List<String> examples = v.examples().getOrDefault(rule, List.of());
                        if (!examples.isEmpty()) {
                            h.append("<span class=\"muted\">(e.g. ").append(esc(examples.get(0))).append(")</span> ");
                        }
                    }
                }
            }
            h.append("</td></tr>");
        }
        s.ingest.logLines().forEach((system, lines) -> h.append("<tr><td>logs/").append(esc(system))
                .append("</td><td class=\"n\">").append(num(lines)).append("</td><td colspan=\"3\" class=\"muted\">")
                .append("log lines (Parquet)</td></tr>"));
        h.append("</table><p>").append(num(s.ingest.anomalies())).append(" labelled anomalous test rows");
        if (s.detect != null && s.detect.evaluation().anomalies() != s.ingest.anomalies()) {
            h.append(" (").append(num(s.detect.evaluation().anomalies())).append(" after validation: the others are in")
                    .append(" quarantine/ with the reason, not scored)");
        }
        h.append("; ")
                .append(s.ingest.metrics()).append(" metrics per row");
        if (s.features != null) {
            h.append("; ").append(s.features.spec().schema().size()).append(" features per row (raw value, rolling ")
                    .append(esc(String.join("/", s.config.features().stats()))).append(" over ")
                    .append(esc(s.config.features().windows().toString())).append(" samples, differences ")
                    .append(esc(s.config.features().diffs().toString())).append(")");
        }
        h.append(".</p>\n");
    }

    private static void detector(StringBuilder h, Demo.State s) {
        Evaluation e = s.detect.evaluation();
        Confusion c = e.pointwise();
        h.append("<h2>Isolation Forest on the test split</h2><div class=\"grid\"><div><table>")
                .append(row("rows scored", num(e.rows()))).append(row("labelled anomalies", num(e.anomalies())))
                .append(row("threshold", fmt(s.detect.model().threshold(), 4)))
                .append(row("ROC-AUC", fmt(e.rocAuc(), 3))).append(row("PR-AUC (average precision)",
                        fmt(e.averagePrecision(), 3)))
                .append(row("precision", fmt(c.precision(), 3))).append(row("recall", fmt(c.recall(), 3)))
                .append(row("F1", fmt(c.f1(), 3))).append(row("F1, point-adjusted", fmt(e.pointAdjusted().f1(), 3)))
                .append(row("incidents detected", e.detectedSegments() + " of " + e.segments()));
        if (s.registered != null) {
            h.append(row("registered as", esc(s.registered.ref()) + " (production)"));
        }
        h.append("</table><h3>Confusion matrix</h3><table class=\"cm\"><tr><th></th><th>flagged</th><th>not flagged</th>")
                .append("</tr><tr><th>anomaly</th><td class=\"ok\">").append(num(c.truePositives()))
                .append("</td><td class=\"bad\">").append(num(c.falseNegatives())).append("</td></tr><tr><th>normal</th>")
                .append("<td class=\"bad\">").append(num(c.falsePositives())).append("</td><td class=\"ok\">")
                .append(num(c.trueNegatives())).append("</td></tr></table></div><div><h3>Precision-recall curve</h3>");
        prCurve(h, Detect.prCurve(s.detect.testScores(), s.detect.evaluation().rows() == 0 ? new int[0]
                : labels(s), 300), c.recall(), c.precision());
        h.append("</div></div>\n");
        Detect.Review r = s.detect.review();
        h.append("<h3>Review queue</h3><p>").append(num(r.flagged())).append(" test rows flagged; ")
                .append(num(r.queued())).append(" put in the review queue (").append(fmt(100 * s.config.review().budget(), 0))
                .append("% of the flagged rows, nearest the threshold first, then a stratified sample); ")
                .append(num(r.answered())).append(" answered from the dataset's labels: ").append(num(r.confirmed()))
                .append(" anomalies, ").append(num(r.answered() - r.confirmed())).append(" false alarms. The label store")
                .append(" holds ").append(num(r.pseudoLabels())).append(" pseudo-labels and ").append(num(r.humanLabels()))
                .append(" human labels.</p>\n");
    }

    private static int[] labels(Demo.State s) {
        return s.features.split("test").labels();
    }

    private static void prCurve(StringBuilder h, List<double[]> points, double recall, double precision) {
        int w = 420;
        int ht = 300;
        int left = 45;
        int bottom = 35;
        int pw = w - left - 10;
        int ph = ht - bottom - 10;
        h.append("<svg width=\"").append(w).append("\" height=\"").append(ht)
                .append("\" role=\"img\" aria-label=\"precision-recall curve\" style=\"background:#fff\">");
        for (int i = 0; i <= 5; i++) {
            double v = i / 5.0;
            int x = left + (int) (v * pw);
            int y = 10 + (int) ((1 - v) * ph);
            h.append("<line x1=\"").append(left).append("\" x2=\"").append(left + pw).append("\" y1=\"").append(y)
                    .append("\" y2=\"").append(y).append("\" stroke=\"#e4e9ef\"/>");
            h.append("<line y1=\"10\" y2=\"").append(10 + ph).append("\" x1=\"").append(x).append("\" x2=\"").append(x)
                    .append("\" stroke=\"#e4e9ef\"/>");
            h.append("<text x=\"").append(left - 6).append("\" y=\"").append(y + 4).append("\" font-size=\"11\" ")
                    .append("text-anchor=\"end\">").append(fmt(v, 1)).append("</text>");
            h.append("<text x=\"").append(x).append("\" y=\"").append(ht - bottom + 16).append("\" font-size=\"11\" ")
                    .append("text-anchor=\"middle\">").append(fmt(v, 1)).append("</text>");
        }
        h.append("<rect x=\"").append(left).append("\" y=\"10\" width=\"").append(pw).append("\" height=\"").append(ph)
                .append("\" fill=\"none\" stroke=\"#8a97a6\"/>");
        StringBuilder path = new StringBuilder();
        for (double[] p : points) {
            path.append(path.length() == 0 ? "M" : " L").append(fmt(left + p[0] * pw, 1)).append(',')
                    .append(fmt(10 + (1 - p[1]) * ph, 1));
        }
        h.append("<path d=\"").append(path).append("\" fill=\"none\" stroke=\"#1f6feb\" stroke-width=\"2\"/>");
        if (!Double.isNaN(recall) && !Double.isNaN(precision)) {
            h.append("<circle cx=\"").append(fmt(left + recall * pw, 1)).append("\" cy=\"")
                    .append(fmt(10 + (1 - precision) * ph, 1)).append("\" r=\"5\" fill=\"#d1242f\"><title>threshold")
                    .append("</title></circle>");
        }
        h.append("<text x=\"").append(left + pw / 2).append("\" y=\"").append(ht - 3).append("\" font-size=\"12\" ")
                .append("text-anchor=\"middle\">recall</text><text transform=\"rotate(-90)\" x=\"").append(-(10 + ph / 2))
                .append("\" y=\"12\" font-size=\"12\" text-anchor=\"middle\">precision</text></svg>")
                .append("<p class=\"muted\">Red dot: the detector's threshold.</p>");
    }

    private static void drift(StringBuilder h, Demo.State s) {
        h.append("<h2>Drift per feature</h2><p class=\"muted\">PSI of each feature against the reference profile in"
                + " the model's bundle (learnt on the training split); the line marks the alert level ")
                .append(fmt(s.config.drift().alertPsi(), 2)).append(". The 15 highest of each comparison.</p>");
        for (Drift.Comparison c : s.drift) {
            h.append("<h3>").append(esc(c.name())).append("</h3><p>").append(num(c.report().rows())).append(" rows; ")
                    .append(c.drifted().size()).append(" of ").append(c.report().features().size())
                    .append(" features at or above the alert level; max PSI ").append(fmt(c.report().maxFeaturePsi(), 3));
            c.report().prediction().ifPresent(p -> h.append("; score PSI ").append(fmt(p.psi(), 3)));
            h.append("; anomaly rate ").append(fmt(100 * c.report().anomalyRate(), 1)).append("%.</p>");
            List<FeatureDrift> top = c.top(15);
            double max = Math.max(c.alertPsi() * 1.2, top.isEmpty() ? 1 : top.get(0).psi());
            int rowH = 18;
            int labelW = 130;
            int barW = 560;
            int height = top.size() * rowH + 8;
            h.append("<svg width=\"").append(labelW + barW + 70)
                    .append("\" height=\"").append(height).append("\" role=\"img\" aria-label=\"PSI per feature\">");
            for (int i = 0; i < top.size(); i++) {
                FeatureDrift f = top.get(i);
                int y = 4 + i * rowH;
                double width = Math.max(1, f.psi() / max * barW);
                h.append("<text x=\"").append(labelW - 6).append("\" y=\"").append(y + 13).append("\" font-size=\"12\" ")
                        .append("text-anchor=\"end\">").append(esc(f.name())).append("</text><rect x=\"").append(labelW)
                        .append("\" y=\"").append(y + 2).append("\" width=\"").append(fmt(width, 1))
                        .append("\" height=\"").append(rowH - 5).append("\" fill=\"")
                        .append(f.psi() >= c.alertPsi() ? "#d1242f" : "#1f6feb").append("\"/><text x=\"")
                        .append(fmt(labelW + width + 5, 1)).append("\" y=\"").append(y + 13)
                        .append("\" font-size=\"11\">").append(fmt(f.psi(), 3)).append("</text>");
            }
            double alertX = labelW + c.alertPsi() / max * barW;
            h.append("<line x1=\"").append(fmt(alertX, 1)).append("\" x2=\"").append(fmt(alertX, 1))
                    .append("\" y1=\"0\" y2=\"").append(height).append("\" stroke=\"#f0b400\" stroke-dasharray=\"4 3\"/>")
                    .append("</svg>\n");
        }
    }

    private static void spark(StringBuilder h, SparkStage.Result r) {
        var f = r.figures();
        h.append("<h2>On Spark (local mode)</h2><p class=\"muted\">The same features, detector and training on Spark ")
                .append(esc(f.path("sparkVersion").asText())).append(" (local[").append(f.path("cores").asInt())
                .append("], a child JVM), checked against the single-machine stages above.</p><table>")
                .append("<tr><th>split</th><th>Spark rows</th><th>single-machine rows</th><th>only on Spark</th>")
                .append("<th>only on one machine</th><th>differing values</th></tr>");
        f.path("features").path("splits").fields().forEachRemaining(e -> {
            var x = e.getValue();
            h.append("<tr><td>").append(esc(e.getKey())).append("</td><td class=\"n\">")
                    .append(num(x.path("rows").asLong())).append("</td><td class=\"n\">")
                    .append(num(x.path("singleMachineRows").asLong())).append("</td><td class=\"n\">")
                    .append(num(x.path("onlySpark").asLong())).append("</td><td class=\"n\">")
                    .append(num(x.path("onlySingleMachine").asLong())).append("</td><td class=\"n\">")
                    .append(num(x.path("differingValues").asLong())).append("</td></tr>");
        });
        var d = f.path("detector");
        var t = f.path("training");
        var o = t.path("holdout");
        h.append("</table><table>")
                .append(row("features equal to the single machine", r.featuresEqual() ? "yes, bit for bit" : "NO"))
                .append(row("Spark features, both splits in one job", fmt(f.path("features").path("seconds")
                        .asDouble(), 1) + " s"))
                .append(row("Isolation Forest on Spark: largest score difference", fmt(d.path("maxAbsScoreDifference")
                        .asDouble(), 9)))
                .append(row("flagged on Spark / on one machine", num(d.path("flaggedSpark").asLong()) + " / "
                        + num(d.path("flaggedSingleMachine").asLong())))
                .append(row("xgboost4j-spark training (" + t.path("workers").asInt() + " workers, "
                        + t.path("rounds").asInt() + " rounds, pseudo-labels)", fmt(t.path("seconds").asDouble(), 1) + " s"))
                .append(row("registered", esc(r.registered())))
                .append(row("hold-out F1 / precision / recall / PR-AUC", fmt(o.path("f1").asDouble(), 3) + " / "
                        + fmt(o.path("precision").asDouble(), 3) + " / " + fmt(o.path("recall").asDouble(), 3) + " / "
                        + fmt(o.path("prAuc").asDouble(), 3)))
                .append("</table>\n");
    }

    private static String row(String name, String value) {
        return "<tr><th>" + esc(name) + "</th><td class=\"n\">" + value + "</td></tr>";
    }

    private static String num(long n) {
        return String.format(Locale.ROOT, "%,d", n);
    }

    static String fmt(double v, int digits) {
        return Double.isNaN(v) ? "n/a" : String.format(Locale.ROOT, "%." + digits + "f", v);
    }

    static String esc(String text) {
        StringBuilder out = new StringBuilder(text.length());
        for (char ch : text.toCharArray()) {
            switch (ch) {
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '&' -> out.append("&amp;");
                case '"' -> out.append("&quot;");
                default -> out.append(ch);
            }
        }
        return out.toString();
    }
}
