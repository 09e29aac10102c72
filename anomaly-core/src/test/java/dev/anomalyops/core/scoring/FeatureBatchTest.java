package dev.anomalyops.core.scoring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.anomalyops.core.FeatureSchema;
import dev.anomalyops.core.InvalidFeatureValueException;
import dev.anomalyops.core.NonFinitePolicy;
import org.junit.jupiter.api.Test;

class FeatureBatchTest {
    private final FeatureSchema schema = FeatureSchema.builder().add("a").add("b", NonFinitePolicy.REJECT).build();

    @Test
    void wrapsARowMajorArrayWithoutCopying() {
        float[] values = {1, 2, 3, 4, 5, 6};
        FeatureBatch batch = FeatureBatch.wrap(schema, values, 3);
        assertThat(batch.rows()).isEqualTo(3);
        assertThat(batch.columns()).isEqualTo(2);
        assertThat(batch.get(2, 1)).isEqualTo(6f);
        values[5] = 60f;
        assertThat(batch.get(2, 1)).isEqualTo(60f);
        assertThat(batch.values()).isSameAs(values);
        assertThat(batch.copyRow(1)).containsExactly(3f, 4f);
    }

    @Test
    void allocatesMissingValuesAndCanShrinkForReuse() {
        FeatureBatch batch = FeatureBatch.allocate(schema, 4);
        assertThat(Float.isNaN(batch.get(3, 0))).isTrue();
        batch.setRow(0, new float[] {7, 8});
        batch.setRows(1);
        assertThat(batch.rows()).isEqualTo(1);
        assertThatThrownBy(() -> batch.get(1, 0)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> batch.setRows(5)).isInstanceOf(InvalidFeatureValueException.class);
    }

    @Test
    void rejectsShortArraysAndWrongRowWidths() {
        assertThatThrownBy(() -> FeatureBatch.wrap(schema, new float[3], 2))
                .isInstanceOf(InvalidFeatureValueException.class)
                .hasMessageContaining("needs 4 values but the array holds 3");
        FeatureBatch batch = FeatureBatch.allocate(schema, 1);
        assertThatThrownBy(() -> batch.setRow(0, new float[3]))
                .hasMessageContaining("Row has 3 values but the schema has 2 features");
    }

    @Test
    void validatesEveryRowAgainstThePolicies() {
        FeatureBatch ok = FeatureBatch.wrap(schema, new float[] {Float.NaN, 1, 2, 3}, 2);
        ok.validate();
        FeatureBatch bad = FeatureBatch.wrap(schema, new float[] {1, 1, 2, Float.NaN}, 2);
        assertThatThrownBy(bad::validate)
                .isInstanceOf(InvalidFeatureValueException.class)
                .hasMessageStartingWith("Row 1: Feature \"b\" is missing");
    }
}
