package dev.anomalyops.rag;

import dev.anomalyops.core.ConfigurationException;
import dev.anomalyops.rag.internal.Text;
import dev.anomalyops.rag.internal.Vectors;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Checks every sentence of an explanation against its sources: the anomaly (message, service, score,
 * feature contributions) and the retrieved incidents (message, cause, resolution, service, severity,
 * times, similarity).
 *
 * <p>A sentence is <em>supported</em> when
 * <ol>
 *   <li>every number and identifier-like term in it (ids, hosts, dates, paths, camel-case names) appears in
 *       the sources; a number also counts when a source value rounds to it at the precision written
 *       ("0.97" for 0.9734) or is the same value as a percentage; and</li>
 *   <li>either at least {@link Builder#minOverlap(double) minOverlap} (0.6) of its content words occur in
 *       one source, or its embedding has cosine similarity at least
 *       {@link Builder#minSimilarity(double) minSimilarity} (0.6) with one source sentence.</li>
 * </ol>
 * Embeddings are computed only for sentences the wording test does not already accept, so checking a
 * template explanation (built from the sources' own words) costs no model call. The grounding score is
 * the share of supported sentences.
 *
 * <p>Thread-safe if the embedder is. Wrap the embedder with {@link Embedders#cached} so incident texts are
 * not embedded again for every check.
 */
public final class GroundingChecker {
    private final Embedder embedder;
    private final double minOverlap;
    private final double minSimilarity;

    private GroundingChecker(Builder b) {
        this.embedder = b.embedder;
        this.minOverlap = b.minOverlap;
        this.minSimilarity = b.minSimilarity;
    }

    /**
     * @param embedder the sentence embedder (the one used for retrieval is fine)
     * @return a checker with the default thresholds
     */
    public static GroundingChecker of(Embedder embedder) {
        return builder(embedder).build();
    }

    /**
     * @param embedder the sentence embedder
     * @return a builder
     */
    public static Builder builder(Embedder embedder) {
        return new Builder(embedder);
    }

    private record Source(String label, String text, Set<String> words) {}

    /**
     * @param explanation the explanation to check (its incidents are the sources, with the anomaly)
     * @param anomaly the anomaly it explains
     * @return the verdict on each sentence and the share supported
     */
    public Grounding check(Explanation explanation, AnomalyContext anomaly) {
        List<Source> wholes = new ArrayList<>();
        List<Source> pieces = new ArrayList<>();
        collectSources(anomaly, explanation.incidents(), wholes, pieces);
        StringBuilder all = new StringBuilder();
        Set<String> numbers = new HashSet<>();
        for (Source s : wholes) {
            all.append(s.text().toLowerCase(Locale.ROOT)).append('\n');
            numbers.addAll(Text.numbers(s.text()));
        }
        for (int i = 0; i <= explanation.incidents().size(); i++) {
            numbers.add(Integer.toString(i)); // references like [2] and counts of incidents
        }
        String evidence = all.toString();

        record Pending(String section, String sentence, double overlap, String best, List<String> unsupported) {}
        List<Pending> pending = new ArrayList<>();
        for (String section : Explanation.SECTIONS) {
            for (String sentence : Text.sentences(explanation.section(section))) {
                Set<String> words = Text.contentWords(sentence);
                double overlap = words.isEmpty() ? 1.0 : 0.0;
                String best = null;
                for (Source s : wholes) {
                    if (words.isEmpty()) {
                        break;
                    }
                    long shared = words.stream().filter(s.words()::contains).count();
                    double share = (double) shared / words.size();
                    if (share > overlap) {
                        overlap = share;
                        best = s.label();
                    }
                }
                List<String> unsupported = new ArrayList<>();
                for (String n : Text.numbers(sentence)) {
                    if (!Text.numberBacked(n, numbers)) {
                        unsupported.add(n);
                    }
                }
                for (String entity : Text.entities(sentence)) {
                    if (!evidence.contains(entity)) {
                        unsupported.add(entity);
                    }
                }
                pending.add(new Pending(section, sentence, overlap, best, unsupported));
            }
        }

        // One embedding batch for the sentences the wording did not settle, plus the source sentences.
        List<String> toEmbed = new ArrayList<>();
        for (Pending p : pending) {
            if (p.overlap() < minOverlap) {
                toEmbed.add(p.sentence());
            }
        }
        Map<String, float[]> vectors = new LinkedHashMap<>();
        if (!toEmbed.isEmpty() && !pieces.isEmpty()) {
            List<String> texts = new ArrayList<>(toEmbed);
            pieces.forEach(s -> texts.add(s.text()));
            List<String> distinct = texts.stream().distinct().toList();
            List<float[]> embedded = embedder.embedAll(distinct);
            for (int i = 0; i < distinct.size(); i++) {
                vectors.put(distinct.get(i), embedded.get(i));
            }
        }
        List<SentenceCheck> checks = new ArrayList<>();
        for (Pending p : pending) {
            double similarity = Double.NaN;
            String best = p.best();
            boolean backed = p.overlap() >= minOverlap;
            if (!backed) {
                similarity = -1;
                float[] v = vectors.get(p.sentence());
                for (Source s : pieces) {
                    if (v == null) {
                        break;
                    }
                    double sim = Vectors.cosine(v, vectors.get(s.text()));
                    if (sim > similarity) {
                        similarity = sim;
                        best = s.label();
                    }
                }
                backed = similarity >= minSimilarity;
            }
            checks.add(new SentenceCheck(p.section(), p.sentence(), backed && p.unsupported().isEmpty(),
                    similarity, p.overlap(), p.unsupported(), best));
        }
        return Grounding.of(checks);
    }

    /**
     * The sources as whole units (for word overlap) and as single sentences (for embedding similarity).
     * Labels and field names are written out ("root cause", "resolution") so that answers may name them.
     */
    private static void collectSources(AnomalyContext anomaly, List<SimilarIncident> incidents, List<Source> wholes,
            List<Source> pieces) {
        StringBuilder a = new StringBuilder();
        a.append("Current anomaly log message: ").append(anomaly.message()).append('\n');
        a.append("service ").append(anomaly.service() == null ? "unknown" : anomaly.service()).append('\n');
        a.append("detected at ").append(anomaly.detectedAt()).append('\n');
        a.append("model anomaly score ").append(anomaly.score());
        if (!Double.isNaN(anomaly.threshold())) {
            a.append(" decision threshold ").append(anomaly.threshold());
        }
        a.append('\n');
        pieces.add(new Source("anomaly", anomaly.message(), Set.of()));
        for (FeatureContribution f : anomaly.topFeatures()) {
            String line = "feature " + f.feature() + " value " + f.value() + " contribution " + f.contribution()
                    + " to the anomaly score";
            a.append(line).append('\n');
            pieces.add(new Source("anomaly", line, Set.of()));
        }
        anomaly.attributes().forEach((k, v) -> a.append(k).append(' ').append(v).append('\n'));
        wholes.add(new Source("anomaly", a.toString(), Text.contentWords(a.toString())));

        String summary = incidents.isEmpty()
                ? "No similar past incident was found in the incident history; no cause or resolution is known from"
                        + " past incidents."
                : summary(incidents);
        wholes.add(new Source("retrieval", summary, Text.contentWords(summary)));
        pieces.add(new Source("retrieval", summary, Set.of()));

        int n = 1;
        for (SimilarIncident hit : incidents) {
            Incident i = hit.incident();
            String label = "incident " + i.id();
            StringBuilder t = new StringBuilder();
            t.append("past incident [").append(n++).append("] ").append(i.id()).append(" similarity ")
                    .append(hit.similarity()).append('\n');
            t.append("message: ").append(i.message()).append('\n');
            t.append("service ").append(i.service() == null ? "unknown" : i.service()).append(" severity ")
                    .append(i.severity()).append('\n');
            t.append("occurred at ").append(i.occurredAt());
            if (i.resolvedAt() != null) {
                t.append(" resolved at ").append(i.resolvedAt()).append(" resolved after ")
                        .append(PromptTemplate.humanDuration(java.time.Duration.between(i.occurredAt(), i.resolvedAt())));
            }
            t.append('\n');
            pieces.add(new Source(label, i.message(), Set.of()));
            if (i.rootCause() != null) {
                t.append("root cause: ").append(i.rootCause()).append('\n');
                Text.sentences(i.rootCause()).forEach(s -> pieces.add(new Source(label, s, Set.of())));
            }
            if (i.resolution() != null) {
                t.append("resolution: ").append(i.resolution()).append('\n');
                Text.sentences(i.resolution()).forEach(s -> pieces.add(new Source(label, s, Set.of())));
            }
            wholes.add(new Source(label, t.toString(), Text.contentWords(t.toString())));
        }
    }

    /** Facts about the retrieved set as a whole (count, severities, services, time span), which answers summarise. */
    private static String summary(List<SimilarIncident> incidents) {
        java.util.Set<String> severities = new java.util.LinkedHashSet<>();
        java.util.Set<String> services = new java.util.LinkedHashSet<>();
        java.time.Instant first = null;
        java.time.Instant last = null;
        for (SimilarIncident h : incidents) {
            severities.add(h.incident().severity());
            services.add(h.incident().service() == null ? "unknown" : h.incident().service());
            java.time.Instant t = h.incident().occurredAt();
            first = first == null || t.isBefore(first) ? t : first;
            last = last == null || t.isAfter(last) ? t : last;
        }
        return incidents.size() + " similar past incidents were found in the incident history, with severity "
                + String.join(", ", severities) + ", affecting service " + String.join(", ", services)
                + ", which occurred between " + first + " and " + last + ".";
    }

    /** Builds a {@link GroundingChecker}; {@link #build()} reports every invalid value at once. */
    public static final class Builder {
        private final Embedder embedder;
        private double minOverlap = 0.6;
        private double minSimilarity = 0.6;

        private Builder(Embedder embedder) {
            this.embedder = Objects.requireNonNull(embedder, "embedder");
        }

        /**
         * @param minOverlap share of a sentence's content words one source must contain, in (0, 1]
         * @return this builder
         */
        public Builder minOverlap(double minOverlap) {
            this.minOverlap = minOverlap;
            return this;
        }

        /**
         * @param minSimilarity cosine similarity with one source sentence that supports a sentence, in (0, 1]
         * @return this builder
         */
        public Builder minSimilarity(double minSimilarity) {
            this.minSimilarity = minSimilarity;
            return this;
        }

        /**
         * @return the checker
         * @throws ConfigurationException listing every invalid value
         */
        public GroundingChecker build() {
            List<String> problems = new ArrayList<>();
            if (!(minOverlap > 0 && minOverlap <= 1)) {
                problems.add("minOverlap must be in (0, 1] but was " + minOverlap);
            }
            if (!(minSimilarity > 0 && minSimilarity <= 1)) {
                problems.add("minSimilarity must be in (0, 1] but was " + minSimilarity);
            }
            if (!problems.isEmpty()) {
                throw new ConfigurationException(problems);
            }
            return new GroundingChecker(this);
        }
    }
}
