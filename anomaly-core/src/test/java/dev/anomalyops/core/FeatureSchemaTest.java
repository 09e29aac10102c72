package dev.anomalyops.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FeatureSchemaTest {
    private final FeatureSchema schema = FeatureSchema.builder()
            .add("cpu_user")
            .add("mem_used", NonFinitePolicy.REJECT)
            .add("latency_ms", NonFinitePolicy.PASS_THROUGH)
            .build();

    @Test
    void looksUpFeaturesByNameAndPosition() {
        assertThat(schema.size()).isEqualTo(3);
        assertThat(schema.indexOf("mem_used")).hasValue(1);
        assertThat(schema.indexOf("nope")).isEmpty();
        assertThat(schema.feature(2).name()).isEqualTo("latency_ms");
        assertThat(schema.names()).containsExactly("cpu_user", "mem_used", "latency_ms");
        assertThatThrownBy(() -> schema.requireIndex("Mem_Used"))
                .isInstanceOf(UnknownFeatureException.class)
                .hasMessageContaining("did you mean \"mem_used\"");
    }

    @Test
    void fingerprintCoversNamesTypesAndOrderButNotPolicies() {
        FeatureSchema samePolicyFree = FeatureSchema.of("cpu_user", "mem_used", "latency_ms");
        FeatureSchema reordered = FeatureSchema.of("mem_used", "cpu_user", "latency_ms");
        FeatureSchema renamed = FeatureSchema.of("cpu_user", "mem_used", "latency");
        assertThat(schema.fingerprint()).hasSize(16).isEqualTo(samePolicyFree.fingerprint());
        assertThat(reordered.fingerprint()).isNotEqualTo(schema.fingerprint());
        assertThat(renamed.fingerprint()).isNotEqualTo(schema.fingerprint());
        // Stable across runs and JVMs: it is a digest of text, not of identity hashes.
        assertThat(FeatureSchema.of("a", "b").fingerprint()).isEqualTo(FeatureSchema.of("a", "b").fingerprint());
    }

    @Test
    void rejectsDuplicateAndInvalidNames() {
        assertThatThrownBy(() -> FeatureSchema.of("a", "b", "a"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("\"a\" appears twice, at positions 0 and 2");
        assertThatThrownBy(() -> FeatureSchema.of(" ")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> FeatureSchema.of("bad\nname")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void buildsRowsFromNamedValues() {
        float[] row = schema.toRow(Map.of("cpu_user", 0.25, "mem_used", 0.5f, "latency_ms", Double.POSITIVE_INFINITY),
                UnknownFeaturePolicy.REJECT);
        assertThat(row).containsExactly(0.25f, 0.5f, Float.POSITIVE_INFINITY);

        float[] missingAllowed = schema.toRow(Map.of("mem_used", 1), UnknownFeaturePolicy.REJECT);
        assertThat(Float.isNaN(missingAllowed[0])).isTrue();
        assertThat(Float.isNaN(missingAllowed[2])).isTrue();
    }

    @Test
    void reportsMissingUnknownAndNonFiniteValuesPrecisely() {
        assertThatThrownBy(() -> schema.toRow(Map.of("cpu_user", 1), UnknownFeaturePolicy.REJECT))
                .isInstanceOf(MissingFeatureException.class)
                .hasMessage("Feature \"mem_used\" is missing and does not allow missing values (the schema expects 3 features)");
        assertThatThrownBy(() -> schema.toRow(Map.of("mem_used", 1, "disk", 2), UnknownFeaturePolicy.REJECT))
                .isInstanceOf(UnknownFeatureException.class)
                .hasMessageContaining("\"disk\" is unknown");
        assertThat(schema.toRow(Map.of("mem_used", 1, "disk", 2), UnknownFeaturePolicy.IGNORE)[1]).isEqualTo(1f);
        assertThatThrownBy(() -> schema.toRow(Map.of("mem_used", Double.NaN), UnknownFeaturePolicy.REJECT))
                .isInstanceOf(InvalidFeatureValueException.class)
                .hasMessage("Feature \"mem_used\" is missing (NaN) but the feature does not allow missing values");
        assertThatThrownBy(() -> schema.toRow(Map.of("mem_used", 1, "cpu_user", Double.NEGATIVE_INFINITY),
                UnknownFeaturePolicy.REJECT))
                .isInstanceOf(InvalidFeatureValueException.class)
                .hasMessage("Feature \"cpu_user\" is -Infinity but the feature only accepts finite numbers");
        Map<String, Number> withNull = new HashMap<>();
        withNull.put("mem_used", 1);
        withNull.put("cpu_user", null);
        assertThat(Float.isNaN(schema.toRow(withNull, UnknownFeaturePolicy.REJECT)[0])).isTrue();
    }

    @Test
    void listsEveryProblemOfARowForQuarantine() {
        float[] rows = {Float.POSITIVE_INFINITY, Float.NaN, 1f, 0f, 1f, Float.NaN};
        assertThat(schema.problems(rows, 0)).containsExactly(
                "Feature \"cpu_user\" is +Infinity but the feature only accepts finite numbers",
                "Feature \"mem_used\" is missing (NaN) but the feature does not allow missing values");
        assertThat(schema.problems(rows, 3)).isEmpty();
    }

    @Test
    void comparesLayouts() {
        schema.requireSameLayout(FeatureSchema.of("cpu_user", "mem_used", "latency_ms"));
        assertThatThrownBy(() -> schema.requireSameLayout(FeatureSchema.of("cpu_user", "latency_ms")))
                .isInstanceOf(SchemaMismatchException.class)
                .hasMessageContaining("expects 3 features but 2 were supplied")
                .hasMessageContaining("position 1 expects \"mem_used\"");
    }
}
