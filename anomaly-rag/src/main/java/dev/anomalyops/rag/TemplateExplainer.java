package dev.anomalyops.rag;

import static dev.anomalyops.rag.PromptTemplate.fmt;

import java.time.Duration;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The deterministic explainer used when no language model is configured (or when the model fails): it
 * composes the four sections from the retrieved incidents' recorded causes and resolutions and from the
 * model's top features, restating facts only, and labels the result as such
 * ({@code generator = "template"} and a notice). With no similar incident it says so and offers no cause.
 * The same input always gives the same text. Thread-safe and fast (no model call).
 */
public final class TemplateExplainer implements Explainer {
    /** The generator name written into its explanations. */
    public static final String NAME = "template";

    private final int maxIncidents;

    /** An explainer that cites at most three incidents per section. */
    public TemplateExplainer() {
        this(3);
    }

    /**
     * @param maxIncidents the most incidents cited per section, at least 1
     */
    public TemplateExplainer(int maxIncidents) {
        if (maxIncidents < 1) {
            throw new IllegalArgumentException("maxIncidents must be at least 1 but was " + maxIncidents);
        }
        this.maxIncidents = maxIncidents;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Explanation explain(AnomalyContext anomaly, List<SimilarIncident> incidents) {
        String notice = incidents.isEmpty()
                ? "Composed without a language model: no similar past incident was found, so only the model's own"
                        + " signal is reported."
                : "Composed without a language model from " + incidents.size() + " similar past incident"
                        + (incidents.size() == 1 ? "" : "s") + " and the model's top features.";
        return new Explanation(anomaly.signature(), rootCause(anomaly, incidents), impact(anomaly, incidents),
                actions(anomaly, incidents), prevention(anomaly, incidents), NAME, notice, incidents,
                Grounding.unchecked());
    }

    private String rootCause(AnomalyContext anomaly, List<SimilarIncident> incidents) {
        List<String> lines = new ArrayList<>();
        if (incidents.isEmpty()) {
            lines.add("No similar past incident was found, so no cause can be drawn from the incident history.");
        } else {
            Map<String, List<Integer>> byCause = new LinkedHashMap<>();
            for (int i = 0; i < incidents.size(); i++) {
                String cause = incidents.get(i).incident().rootCause();
                if (cause != null) {
                    byCause.computeIfAbsent(cause.strip(), c -> new ArrayList<>()).add(i);
                }
            }
            if (byCause.isEmpty()) {
                lines.add("The similar past incidents have no recorded root cause.");
            }
            int cited = 0;
            for (Map.Entry<String, List<Integer>> e : byCause.entrySet()) {
                if (cited++ == maxIncidents) {
                    break;
                }
                int first = e.getValue().get(0);
                SimilarIncident hit = incidents.get(first);
                lines.add("Past incident " + ref(first) + " (" + hit.incident().id() + ", similarity "
                        + fmt(hit.similarity()) + ", " + day(hit.incident()) + ") had the root cause: "
                        + sentence(e.getKey()));
                if (e.getValue().size() > 1) {
                    lines.add("The same root cause was recorded for past incidents "
                            + e.getValue().stream().skip(1).map(TemplateExplainer::ref).collect(Collectors.joining(", "))
                            + ".");
                }
            }
        }
        lines.add(scoreSentence(anomaly));
        return String.join("\n", lines);
    }

    private String impact(AnomalyContext anomaly, List<SimilarIncident> incidents) {
        List<String> lines = new ArrayList<>();
        String where = anomaly.service() == null ? "The current anomaly's service is unknown."
                : "The current anomaly is on service " + anomaly.service() + ".";
        if (incidents.isEmpty()) {
            lines.add("No similar past incident was found, so the impact cannot be judged from the incident history.");
            lines.add(where);
            return String.join("\n", lines);
        }
        Map<String, Long> severities = incidents.stream().collect(Collectors.groupingBy(
                h -> h.incident().severity(), LinkedHashMap::new, Collectors.counting()));
        lines.add(incidents.size() + " similar past incident" + (incidents.size() == 1 ? " was" : "s were")
                + " found, with severity " + severities.entrySet().stream()
                        .map(e -> e.getKey() + " (" + e.getValue() + ")").collect(Collectors.joining(", ")) + ".");
        Set<String> services = new LinkedHashSet<>();
        incidents.forEach(h -> services.add(h.incident().service() == null ? "unknown" : h.incident().service()));
        lines.add("The similar past incidents affected service " + String.join(", ", services) + ".");
        lines.add(where);
        List<Duration> durations = new ArrayList<>();
        for (SimilarIncident h : incidents) {
            if (h.incident().resolvedAt() != null) {
                durations.add(Duration.between(h.incident().occurredAt(), h.incident().resolvedAt()));
            }
        }
        if (!durations.isEmpty()) {
            durations.sort(null);
            String shortest = PromptTemplate.humanDuration(durations.get(0));
            String longest = PromptTemplate.humanDuration(durations.get(durations.size() - 1));
            lines.add(durations.size() == 1 ? "The resolved past incident was resolved after " + shortest + "."
                    : "The resolved past incidents were resolved after " + shortest + " to " + longest + ".");
        }
        return String.join("\n", lines);
    }

    private String actions(AnomalyContext anomaly, List<SimilarIncident> incidents) {
        List<String> lines = new ArrayList<>();
        Set<String> seen = new LinkedHashSet<>();
        for (int i = 0; i < incidents.size() && seen.size() < maxIncidents; i++) {
            String resolution = incidents.get(i).incident().resolution();
            if (resolution != null && seen.add(resolution.strip())) {
                lines.add("- Past incident " + ref(i) + " (" + incidents.get(i).incident().id()
                        + ") was resolved by: " + sentence(resolution));
            }
        }
        if (incidents.isEmpty()) {
            lines.add("- No similar past incident was found, so no known resolution applies.");
        } else if (seen.isEmpty()) {
            lines.add("- The similar past incidents have no recorded resolution.");
        }
        if (!anomaly.topFeatures().isEmpty()) {
            lines.add("- Check the features that drove the anomaly score first: " + featureList(anomaly, false) + ".");
        }
        return String.join("\n", lines);
    }

    private String prevention(AnomalyContext anomaly, List<SimilarIncident> incidents) {
        List<String> lines = new ArrayList<>();
        if (incidents.isEmpty()) {
            lines.add("No similar past incident was found; record this anomaly's root cause and resolution in the"
                    + " incident history once known.");
        } else {
            SimilarIncident first = incidents.stream().min((a, b) -> a.incident().occurredAt().compareTo(b.incident().occurredAt())).orElseThrow();
            SimilarIncident last = incidents.stream().max((a, b) -> a.incident().occurredAt().compareTo(b.incident().occurredAt())).orElseThrow();
            lines.add(incidents.size() == 1
                    ? "A similar past incident occurred on " + day(first.incident()) + "."
                    : incidents.size() + " similar past incidents occurred between " + day(first.incident()) + " and "
                            + day(last.incident()) + ".");
            for (int i = 0; i < incidents.size(); i++) {
                String cause = incidents.get(i).incident().rootCause();
                if (cause != null) {
                    lines.add("Removing the recorded root cause of past incident " + ref(i) + " ("
                            + trimEnd(cause) + ") prevents a recurrence of that incident.");
                    break;
                }
            }
        }
        if (!anomaly.topFeatures().isEmpty()) {
            lines.add("Alert on the features that drove the anomaly score: " + featureList(anomaly, true) + ".");
        }
        return String.join("\n", lines);
    }

    private static String scoreSentence(AnomalyContext anomaly) {
        StringBuilder s = new StringBuilder("The model's anomaly score is ").append(fmt(anomaly.score()));
        if (!Double.isNaN(anomaly.threshold())) {
            s.append(" (decision threshold ").append(fmt(anomaly.threshold())).append(')');
        }
        if (anomaly.topFeatures().isEmpty()) {
            return s.append("; the model reported no feature contributions.").toString();
        }
        return s.append("; the features that drove the score most: ").append(featureList(anomaly, false)).append('.').toString();
    }

    private static String featureList(AnomalyContext anomaly, boolean namesOnly) {
        return anomaly.topFeatures().stream().limit(3)
                .map(f -> namesOnly ? f.feature() : f.feature() + " = " + fmt(f.value()) + " (contribution "
                        + (f.contribution() >= 0 ? "+" : "") + fmt(f.contribution()) + ")")
                .collect(Collectors.joining(", "));
    }

    private static String ref(int index) {
        return "[" + (index + 1) + "]";
    }

    private static String day(Incident incident) {
        return incident.occurredAt().atOffset(ZoneOffset.UTC).toLocalDate().toString();
    }

    private static String sentence(String text) {
        String t = text.strip().replaceAll("\\s*\\R\\s*", " ");
        return t.endsWith(".") || t.endsWith("!") || t.endsWith("?") ? t : t + ".";
    }

    private static String trimEnd(String text) {
        String t = text.strip().replaceAll("\\s*\\R\\s*", " ");
        while (t.endsWith(".")) {
            t = t.substring(0, t.length() - 1);
        }
        return t;
    }
}
