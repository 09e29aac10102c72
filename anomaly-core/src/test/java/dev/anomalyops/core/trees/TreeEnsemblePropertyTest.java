package dev.anomalyops.core.trees;

import static org.assertj.core.api.Assertions.assertThat;

import dev.anomalyops.core.model.ModelFormat;
import dev.anomalyops.core.testing.XgboostJsonModels;
import java.nio.file.Files;
import java.nio.file.Path;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/**
 * Random small XGBoost ensembles (numeric and categorical splits, random default directions) and random rows
 * (grid values that hit thresholds exactly, NaN, signed zeros, huge values, non-integral and out-of-range
 * categories): the compiled scorer equals a slow direct evaluator of the JSON, exactly.
 */
class TreeEnsemblePropertyTest {
    private static final int FEATURES = 5;

    @Property(tries = 120)
    void compiledScorerEqualsTheReferenceEvaluator(@ForAll @IntRange(min = 1, max = 12) int trees,
            @ForAll @IntRange(min = 1, max = 5) int depth, @ForAll long seed, @ForAll boolean categorical,
            @ForAll("rows") float[][] rows) throws Exception {
        Path file = Files.createTempFile("random-xgb", ".json");
        try {
            XgboostJsonModels.write(file, new XgboostJsonModels.Spec(FEATURES, trees, depth,
                    categorical ? 0.3 : 0.0, "binary:logistic", 0.3f),
                    seed);
            TreeEnsemble model = TreeEnsemble.read(file, ModelFormat.XGBOOST_JSON);
            ReferenceEvaluator reference = new ReferenceEvaluator(file);
            float[] flat = new float[rows.length * FEATURES];
            for (int r = 0; r < rows.length; r++) {
                System.arraycopy(rows[r], 0, flat, r * FEATURES, FEATURES);
            }
            double[] batch = new double[rows.length];
            model.predict(flat, rows.length, batch);
            for (int r = 0; r < rows.length; r++) {
                double expected = reference.predict(rows[r]);
                assertThat(model.predict(flat, r * FEATURES)).isEqualTo(expected);
                assertThat(batch[r]).isEqualTo(expected);
                double[] contributions = new double[FEATURES + 1];
                model.contributions(flat, r * FEATURES, contributions);
                double sum = 0;
                for (double c : contributions) {
                    sum += c;
                }
                assertThat(sum).isCloseTo(model.margin(flat, r * FEATURES), org.assertj.core.data.Offset.offset(1e-4));
            }
        } finally {
            Files.deleteIfExists(file);
        }
    }

    @Provide
    Arbitrary<float[][]> rows() {
        Arbitrary<Float> value = Arbitraries.oneOf(
                Arbitraries.integers().between(-24, 24).map(i -> i / 4f),
                Arbitraries.floats().between(-10f, 50f),
                Arbitraries.of(Float.NaN, 0f, -0f, 1e30f, -1e30f, Float.MAX_VALUE, -Float.MAX_VALUE,
                        Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, 3.5f, 39f, 40f, 1000f, -1f));
        return value.array(float[].class).ofSize(FEATURES).array(float[][].class).ofMinSize(1).ofMaxSize(20);
    }
}
