package dev.anomalyops.rag;

import dev.anomalyops.core.ConfigurationException;
import dev.anomalyops.rag.internal.Text;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * Renders the prompt for a language model: the role (system message), then the current anomaly, its score,
 * the features that drove it, the similar past incidents with their similarities, and the four sections
 * asked for (root cause analysis, impact assessment, recommended actions, prevention steps).
 *
 * <p>The user message comes from a template with the placeholders {@code {{anomaly}}},
 * {@code {{features}}}, {@code {{incidents}}} and {@code {{format}}}; the default is
 * {@code dev/anomalyops/rag/prompt-template.txt}. Long incident texts are cut so the prompt stays bounded.
 * Immutable and thread-safe.
 */
public final class PromptTemplate {
    /** The default system message. */
    public static final String DEFAULT_ROLE = "You are a senior site reliability engineer. You explain anomalies"
            + " detected in server logs and metrics, using only the facts you are given: the anomaly, the model's"
            + " score and features, and similar past incidents with their recorded causes and resolutions.";

    private static final String DEFAULT_TEMPLATE = load("prompt-template.txt");

    private final String role;
    private final String template;
    private final int maxFieldChars;

    private PromptTemplate(Builder b) {
        this.role = b.role;
        this.template = b.template;
        this.maxFieldChars = b.maxFieldChars;
    }

    /** @return the default role and template */
    public static PromptTemplate defaults() {
        return builder().build();
    }

    /** @return a builder with the defaults */
    public static Builder builder() {
        return new Builder();
    }

    private static String load(String name) {
        try (InputStream in = PromptTemplate.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("resource \"" + name + "\" is missing from anomaly-rag");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * @param anomaly the anomaly
     * @param incidents similar incidents, most similar first
     * @param structured true when the answer is requested as JSON (guided decoding); false for headed text
     * @return the prompt
     */
    public Prompt render(AnomalyContext anomaly, List<SimilarIncident> incidents, boolean structured) {
        String user = template
                .replace("{{anomaly}}", anomaly(anomaly))
                .replace("{{features}}", features(anomaly))
                .replace("{{incidents}}", incidents(incidents))
                .replace("{{format}}", structured ? JSON_FORMAT : TEXT_FORMAT);
        return new Prompt(role, user.strip());
    }

    private static final String JSON_FORMAT = "Answer with one JSON object and nothing else. It has exactly four"
            + " string fields: \"root_cause_analysis\", \"impact_assessment\", \"recommended_actions\" and"
            + " \"prevention_steps\".";
    private static final String TEXT_FORMAT = "Answer with exactly four sections, each starting with its heading on a"
            + " line of its own:\n## Root cause analysis\n## Impact assessment\n## Recommended actions\n## Prevention steps";

    private String anomaly(AnomalyContext a) {
        StringBuilder s = new StringBuilder();
        s.append("Log message: ").append(Text.abbreviate(a.message(), maxFieldChars)).append('\n');
        s.append("Service: ").append(a.service() == null ? "unknown" : a.service()).append('\n');
        s.append("Detected at: ").append(a.detectedAt()).append('\n');
        s.append("Anomaly score: ").append(fmt(a.score()));
        if (!Double.isNaN(a.threshold())) {
            s.append(" (decision threshold ").append(fmt(a.threshold())).append(')');
        }
        a.attributes().forEach((k, v) -> s.append('\n').append(k).append(": ").append(Text.abbreviate(v, 200)));
        return s.toString();
    }

    private static String features(AnomalyContext a) {
        if (a.topFeatures().isEmpty()) {
            return "(the model reported no feature contributions)";
        }
        StringBuilder s = new StringBuilder();
        for (FeatureContribution f : a.topFeatures()) {
            s.append("- ").append(f.feature()).append(" = ").append(fmt(f.value())).append(", contribution ")
                    .append(f.contribution() >= 0 ? "+" : "").append(fmt(f.contribution())).append('\n');
        }
        return s.toString().stripTrailing();
    }

    private String incidents(List<SimilarIncident> incidents) {
        if (incidents.isEmpty()) {
            return "No similar past incident was found. There is no history to draw a cause from.";
        }
        StringBuilder s = new StringBuilder();
        int n = 1;
        for (SimilarIncident hit : incidents) {
            Incident i = hit.incident();
            s.append('[').append(n++).append("] similarity ").append(fmt(hit.similarity())).append(", incident ")
                    .append(i.id()).append(", ").append(i.occurredAt()).append(", service ")
                    .append(i.service() == null ? "unknown" : i.service()).append(", severity ").append(i.severity());
            if (i.resolvedAt() != null) {
                s.append(", resolved after ").append(humanDuration(Duration.between(i.occurredAt(), i.resolvedAt())));
            }
            s.append("\n    Message: ").append(Text.abbreviate(i.message(), maxFieldChars));
            s.append("\n    Root cause: ").append(i.rootCause() == null ? "not recorded" : Text.abbreviate(i.rootCause(), maxFieldChars));
            s.append("\n    Resolution: ").append(i.resolution() == null ? "not recorded" : Text.abbreviate(i.resolution(), maxFieldChars));
            s.append('\n');
        }
        return s.toString().stripTrailing();
    }

    static String fmt(double v) {
        if (v == Math.rint(v) && Math.abs(v) < 1e15) {
            return Long.toString((long) v);
        }
        String s = String.format(Locale.ROOT, "%.3f", v);
        return s.replaceAll("0+$", "").replaceAll("\\.$", "");
    }

    static String humanDuration(Duration d) {
        long minutes = d.toMinutes();
        if (minutes < 1) {
            return d.toSeconds() + " s";
        }
        if (minutes < 120) {
            return minutes + " min";
        }
        return String.format(Locale.ROOT, "%.1f h", minutes / 60.0);
    }

    /** Builds a {@link PromptTemplate}; {@link #build()} reports every invalid value at once. */
    public static final class Builder {
        private String role = DEFAULT_ROLE;
        private String template = DEFAULT_TEMPLATE;
        private int maxFieldChars = 600;

        private Builder() {}

        /**
         * @param role the system message
         * @return this builder
         */
        public Builder role(String role) {
            this.role = Objects.requireNonNull(role, "role");
            return this;
        }

        /**
         * @param template the user message with {@code {{anomaly}}}, {@code {{features}}},
         *     {@code {{incidents}}} and {@code {{format}}}
         * @return this builder
         */
        public Builder template(String template) {
            this.template = Objects.requireNonNull(template, "template");
            return this;
        }

        /**
         * @param maxFieldChars the longest message, cause or resolution quoted, 40 to 20,000 (default 600)
         * @return this builder
         */
        public Builder maxFieldChars(int maxFieldChars) {
            this.maxFieldChars = maxFieldChars;
            return this;
        }

        /**
         * @return the template
         * @throws ConfigurationException listing every invalid value
         */
        public PromptTemplate build() {
            List<String> problems = new ArrayList<>();
            if (role.isBlank()) {
                problems.add("role must not be blank");
            }
            for (String placeholder : List.of("{{anomaly}}", "{{features}}", "{{incidents}}", "{{format}}")) {
                if (!template.contains(placeholder)) {
                    problems.add("template must contain " + placeholder);
                }
            }
            if (maxFieldChars < 40 || maxFieldChars > 20_000) {
                problems.add("maxFieldChars must be between 40 and 20000 but was " + maxFieldChars);
            }
            if (!problems.isEmpty()) {
                throw new ConfigurationException(problems);
            }
            return new PromptTemplate(this);
        }
    }
}
