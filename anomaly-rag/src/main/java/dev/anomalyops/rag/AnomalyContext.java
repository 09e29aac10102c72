package dev.anomalyops.rag;

import dev.anomalyops.rag.internal.Sha256;
import dev.anomalyops.rag.internal.Text;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * What is known about a detected anomaly when an explanation is asked for: the log message, the model's
 * score, the features that drove it, and where and when it happened.
 *
 * @param message the anomalous log message (or a one-line description of a metric anomaly)
 * @param service the service it came from, or null when unknown
 * @param score the model's anomaly probability in [0, 1]; it is also the confidence the explanation
 *     service compares with its minimum
 * @param threshold the model's decision threshold in [0, 1], or NaN when unknown
 * @param detectedAt when the anomaly was detected
 * @param topFeatures the features that drove the score, largest contribution first (at most a handful)
 * @param attributes other labels (host, region, model name), shown to the explainer as they are
 */
public record AnomalyContext(
        String message,
        @Nullable String service,
        double score,
        double threshold,
        Instant detectedAt,
        List<FeatureContribution> topFeatures,
        Map<String, String> attributes) {

    /** Validates and copies; sorts the features by decreasing absolute contribution. */
    public AnomalyContext {
        Objects.requireNonNull(message, "message");
        Objects.requireNonNull(detectedAt, "detectedAt");
        if (message.isBlank()) {
            throw new IllegalArgumentException("message must not be blank");
        }
        if (!(score >= 0.0 && score <= 1.0)) {
            throw new IllegalArgumentException("score must be in [0, 1] but was " + score);
        }
        if (!Double.isNaN(threshold) && !(threshold >= 0.0 && threshold <= 1.0)) {
            throw new IllegalArgumentException("threshold must be in [0, 1] or NaN but was " + threshold);
        }
        List<FeatureContribution> sorted = new ArrayList<>(topFeatures);
        sorted.sort(Comparator.comparingDouble((FeatureContribution f) -> -Math.abs(f.contribution())));
        topFeatures = List.copyOf(sorted);
        attributes = java.util.Collections.unmodifiableMap(new TreeMap<>(attributes));
        if (service != null && service.isBlank()) {
            service = null;
        }
    }

    /**
     * @param message the anomalous log message
     * @param score the model's anomaly probability in [0, 1]
     * @return a builder
     */
    public static Builder builder(String message, double score) {
        return new Builder(message, score);
    }

    /**
     * The key explanations are cached under: the service, the message with its variable parts (numbers,
     * ids, addresses) masked, and the names of the three strongest features. Two occurrences of the same
     * kind of anomaly share it; the exact values do not matter.
     *
     * @return a 16-hex-digit signature
     */
    public String signature() {
        StringBuilder key = new StringBuilder();
        key.append(service == null ? "" : service).append('\n').append(Text.mask(message)).append('\n');
        topFeatures.stream().limit(3).forEach(f -> key.append(f.feature()).append(f.contribution() >= 0 ? '+' : '-').append(','));
        return Sha256.hex(key.toString()).substring(0, 16);
    }

    /** Builds an {@link AnomalyContext}. */
    public static final class Builder {
        private final String message;
        private final double score;
        private @Nullable String service;
        private double threshold = Double.NaN;
        private Instant detectedAt = Instant.now();
        private final List<FeatureContribution> features = new ArrayList<>();
        private final Map<String, String> attributes = new TreeMap<>();

        private Builder(String message, double score) {
            this.message = message;
            this.score = score;
        }

        /**
         * @param service the service name, or null
         * @return this builder
         */
        public Builder service(@Nullable String service) {
            this.service = service;
            return this;
        }

        /**
         * @param threshold the model's decision threshold
         * @return this builder
         */
        public Builder threshold(double threshold) {
            this.threshold = threshold;
            return this;
        }

        /**
         * @param detectedAt when it was detected (default: now)
         * @return this builder
         */
        public Builder detectedAt(Instant detectedAt) {
            this.detectedAt = detectedAt;
            return this;
        }

        /**
         * @param feature a feature name
         * @param value its value
         * @param contribution its contribution to the score
         * @return this builder
         */
        public Builder feature(String feature, double value, double contribution) {
            features.add(new FeatureContribution(feature, value, contribution));
            return this;
        }

        /**
         * @param contributions contributions to add
         * @return this builder
         */
        public Builder features(List<FeatureContribution> contributions) {
            features.addAll(contributions);
            return this;
        }

        /**
         * @param key a label name
         * @param value its value
         * @return this builder
         */
        public Builder attribute(String key, String value) {
            attributes.put(key, value);
            return this;
        }

        /** @return the context */
        public AnomalyContext build() {
            return new AnomalyContext(message, service, score, threshold, detectedAt, features, attributes);
        }
    }
}
