package dev.anomalyops.core;

import dev.anomalyops.core.internal.Hashing;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalInt;

/**
 * The ordered, named, typed inputs of a model. Rows are float arrays in this order; names map to
 * positions. Immutable and thread-safe.
 *
 * <p>The {@linkplain #fingerprint() fingerprint} covers names, types and order, the layout a model depends
 * on. It leaves out the per-feature {@link NonFinitePolicy}, which is a validation rule and may be tightened
 * without retraining.
 *
 * <pre>{@code
 * FeatureSchema schema = FeatureSchema.builder()
 *         .add("cpu_user")
 *         .add("mem_used", NonFinitePolicy.REJECT)
 *         .build();
 * float[] row = schema.toRow(Map.of("cpu_user", 0.4, "mem_used", 0.7), UnknownFeaturePolicy.REJECT);
 * }</pre>
 */
public final class FeatureSchema {
    private final List<Feature> features;
    private final Map<String, Integer> indexByName;
    private final String fingerprint;

    private FeatureSchema(List<Feature> features) {
        this.features = List.copyOf(features);
        Map<String, Integer> index = new HashMap<>(features.size() * 2);
        for (int i = 0; i < this.features.size(); i++) {
            Integer previous = index.put(this.features.get(i).name(), i);
            if (previous != null) {
                throw new IllegalArgumentException("Feature \"" + this.features.get(i).name()
                        + "\" appears twice, at positions " + previous + " and " + i);
            }
        }
        this.indexByName = Collections.unmodifiableMap(index);
        StringBuilder canonical = new StringBuilder();
        for (Feature feature : this.features) {
            canonical.append(feature.name()).append('\t').append(feature.type().wireName()).append('\n');
        }
        this.fingerprint = Hashing.sha256Hex(canonical.toString()).substring(0, 16);
    }

    /**
     * @param features the features in row order; names must be unique
     * @return the schema
     */
    public static FeatureSchema of(List<Feature> features) {
        return new FeatureSchema(features);
    }

    /**
     * @param names feature names in row order; each becomes a float32 feature that allows missing values
     * @return the schema
     */
    public static FeatureSchema of(String... names) {
        Builder builder = builder();
        for (String name : names) {
            builder.add(name);
        }
        return builder.build();
    }

    /**
     * @param count number of features
     * @return a schema with features named {@code f0 .. f(count-1)}, as XGBoost names unnamed features
     */
    public static FeatureSchema unnamed(int count) {
        if (count < 0) {
            throw new IllegalArgumentException("count must be >= 0 but was " + count);
        }
        Builder builder = builder();
        for (int i = 0; i < count; i++) {
            builder.add("f" + i);
        }
        return builder.build();
    }

    /** @return a builder for a schema */
    public static Builder builder() {
        return new Builder();
    }

    /** @return the features in row order (unmodifiable) */
    public List<Feature> features() {
        return features;
    }

    /** @return the feature names in row order (a new list) */
    public List<String> names() {
        List<String> names = new ArrayList<>(features.size());
        for (Feature feature : features) {
            names.add(feature.name());
        }
        return names;
    }

    /** @return the number of features, i.e. the row width */
    public int size() {
        return features.size();
    }

    /**
     * @param index position in the row
     * @return the feature at that position
     */
    public Feature feature(int index) {
        return features.get(index);
    }

    /**
     * @param name a feature name
     * @return its position, or empty when the schema has no such feature
     */
    public OptionalInt indexOf(String name) {
        Integer index = indexByName.get(name);
        return index == null ? OptionalInt.empty() : OptionalInt.of(index);
    }

    /**
     * @param name a feature name
     * @return its position
     * @throws UnknownFeatureException when the schema has no such feature
     */
    public int requireIndex(String name) {
        Integer index = indexByName.get(name);
        if (index == null) {
            throw new UnknownFeatureException(name, "Feature \"" + name + "\" is unknown (the schema has "
                    + features.size() + " features" + suggestion(name) + ")");
        }
        return index;
    }

    /** @return a 16-hex-digit digest of names, types and order */
    public String fingerprint() {
        return fingerprint;
    }

    /**
     * Builds a validated row from named values.
     *
     * @param values feature name to value; absent features are missing
     * @param unknown what to do with names the schema lacks
     * @return a new row in schema order, NaN where a value is missing
     * @throws MissingFeatureException when a feature that rejects missing values has none
     * @throws UnknownFeatureException when a name is unknown and {@code unknown} is {@link UnknownFeaturePolicy#REJECT}
     * @throws InvalidFeatureValueException when a value breaks its feature's policy
     */
    public float[] toRow(Map<String, ? extends Number> values, UnknownFeaturePolicy unknown) {
        Objects.requireNonNull(values, "values");
        float[] row = new float[features.size()];
        java.util.Arrays.fill(row, Float.NaN);
        for (Map.Entry<String, ? extends Number> entry : values.entrySet()) {
            Integer index = indexByName.get(entry.getKey());
            if (index == null) {
                if (unknown == UnknownFeaturePolicy.REJECT) {
                    requireIndex(entry.getKey());
                }
                continue;
            }
            Number value = entry.getValue();
            row[index] = value == null ? Float.NaN : value.floatValue();
        }
        for (int i = 0; i < row.length; i++) {
            Feature feature = features.get(i);
            if (Float.isNaN(row[i]) && feature.nonFinite() == NonFinitePolicy.REJECT && !values.containsKey(feature.name())) {
                throw new MissingFeatureException(feature.name(), "Feature \"" + feature.name()
                        + "\" is missing and does not allow missing values (the schema expects " + features.size()
                        + " features)");
            }
        }
        validateRow(row, 0);
        return row;
    }

    /**
     * Checks one row in place against each feature's policy.
     *
     * @param values row-major values
     * @param offset where the row starts
     * @throws InvalidFeatureValueException at the first value that breaks its feature's policy
     */
    public void validateRow(float[] values, int offset) {
        if (offset < 0 || offset + features.size() > values.length) {
            throw new InvalidFeatureValueException("", "Row at offset " + offset + " needs " + features.size()
                    + " values but the array holds " + values.length);
        }
        for (int i = 0; i < features.size(); i++) {
            Feature feature = features.get(i);
            String reason = feature.nonFinite().reasonToReject(values[offset + i]);
            if (reason != null) {
                throw new InvalidFeatureValueException(feature.name(), "Feature \"" + feature.name() + "\" " + reason);
            }
        }
    }

    /**
     * Lists every policy violation in one row, for quarantine reports.
     *
     * @param values row-major values
     * @param offset where the row starts
     * @return one sentence per offending feature; empty when the row is valid
     */
    public List<String> problems(float[] values, int offset) {
        List<String> problems = new ArrayList<>(0);
        for (int i = 0; i < features.size(); i++) {
            Feature feature = features.get(i);
            String reason = feature.nonFinite().reasonToReject(values[offset + i]);
            if (reason != null) {
                problems.add("Feature \"" + feature.name() + "\" " + reason);
            }
        }
        return problems;
    }

    /**
     * Checks that rows laid out for {@code supplied} can be scored by a model expecting this schema.
     *
     * @param supplied the caller's schema
     * @throws SchemaMismatchException naming the first differing positions and the counts
     */
    public void requireSameLayout(FeatureSchema supplied) {
        if (fingerprint.equals(supplied.fingerprint) && features.size() == supplied.features.size()) {
            return;
        }
        List<String> differences = new ArrayList<>();
        if (features.size() != supplied.features.size()) {
            differences.add("the model expects " + features.size() + " features but " + supplied.features.size()
                    + " were supplied");
        }
        int common = Math.min(features.size(), supplied.features.size());
        for (int i = 0; i < common && differences.size() < 5; i++) {
            Feature expected = features.get(i);
            Feature actual = supplied.features.get(i);
            if (!expected.name().equals(actual.name()) || expected.type() != actual.type()) {
                differences.add("position " + i + " expects \"" + expected.name() + "\" (" + expected.type().wireName()
                        + ") but has \"" + actual.name() + "\" (" + actual.type().wireName() + ")");
            }
        }
        throw new SchemaMismatchException("Feature schema mismatch: " + String.join("; ", differences));
    }

    private String suggestion(String name) {
        String lower = name.toLowerCase(java.util.Locale.ROOT);
        for (Feature feature : features) {
            if (feature.name().toLowerCase(java.util.Locale.ROOT).equals(lower)) {
                return "; did you mean \"" + feature.name() + "\"?";
            }
        }
        return "";
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof FeatureSchema that && features.equals(that.features);
    }

    @Override
    public int hashCode() {
        return features.hashCode();
    }

    @Override
    public String toString() {
        return "FeatureSchema[" + features.size() + " features, fingerprint " + fingerprint + "]";
    }

    /** Collects features in row order. Not thread-safe. */
    public static final class Builder {
        private final List<Feature> features = new ArrayList<>();

        private Builder() {}

        /**
         * @param name a float32 feature that allows missing values
         * @return this builder
         */
        public Builder add(String name) {
            return add(Feature.of(name));
        }

        /**
         * @param name a float32 feature name
         * @param nonFinite its policy
         * @return this builder
         */
        public Builder add(String name, NonFinitePolicy nonFinite) {
            return add(Feature.of(name, nonFinite));
        }

        /**
         * @param feature the next feature
         * @return this builder
         */
        public Builder add(Feature feature) {
            features.add(Objects.requireNonNull(feature, "feature"));
            return this;
        }

        /**
         * @return the schema
         * @throws IllegalArgumentException when a name appears twice
         */
        public FeatureSchema build() {
            return new FeatureSchema(features);
        }
    }
}
