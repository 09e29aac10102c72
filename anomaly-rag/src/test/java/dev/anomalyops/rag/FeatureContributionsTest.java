package dev.anomalyops.rag;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.anomalyops.core.FeatureSchema;
import dev.anomalyops.core.model.ModelFormat;
import dev.anomalyops.core.testing.XgboostJsonModels;
import dev.anomalyops.core.trees.TreeEnsemble;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Top feature contributions from a real tree model (random XGBoost JSON models read by the core tree scorer). */
class FeatureContributionsTest {
    static final int FEATURES = 12;
    static TreeEnsemble model;
    static FeatureSchema schema;

    @BeforeAll
    static void readModel(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("model.json");
        // Few shallow trees over many features: some features are never split on.
        XgboostJsonModels.write(file, new XgboostJsonModels.Spec(FEATURES, 4, 2, 0.0, "binary:logistic", 0.3f), 7);
        model = TreeEnsemble.read(file, ModelFormat.XGBOOST_JSON);
        List<String> names = new ArrayList<>();
        for (int f = 0; f < FEATURES; f++) {
            names.add("f" + f);
        }
        schema = FeatureSchema.of(names.toArray(String[]::new));
    }

    static float[] row(Random random) {
        float[] row = new float[FEATURES];
        for (int f = 0; f < FEATURES; f++) {
            float[] t = model.thresholds(f);
            // Values around the model's own thresholds, so that rows take different paths.
            row[f] = t.length == 0 ? random.nextFloat() : t[random.nextInt(t.length)] + (random.nextFloat() - 0.5f);
        }
        return row;
    }

    @Test
    void listedContributionsExplainTheDifferenceInMargins() {
        Random random = new Random(1);
        float[] first = row(random);
        double base = sum(FeatureContributions.of(model, schema, first, 0, FEATURES)) - model.margin(first, 0);
        for (int i = 0; i < 200; i++) {
            float[] row = row(random);
            List<FeatureContribution> all = FeatureContributions.of(model, schema, row, 0, FEATURES);
            // Contributions plus one constant (the model's expected margin) give the margin of every row:
            // nothing is lost, duplicated or credited to the wrong feature's slot.
            assertThat(sum(all) - model.margin(row, 0)).isCloseTo(base, within(1e-4));
        }
    }

    @Test
    void largestFirstLimitedAndOnlyFeaturesTheModelSplitsOn() {
        Random random = new Random(2);
        boolean sawUnused = false;
        for (int f = 0; f < FEATURES; f++) {
            sawUnused |= model.thresholds(f).length == 0;
        }
        assertThat(sawUnused).as("the model leaves some feature unused").isTrue();
        for (int i = 0; i < 100; i++) {
            float[] row = row(random);
            List<FeatureContribution> top = FeatureContributions.of(model, schema, row, 0, 3);
            List<FeatureContribution> all = FeatureContributions.of(model, schema, row, 0, FEATURES);
            assertThat(top).hasSizeLessThanOrEqualTo(3).isEqualTo(all.subList(0, Math.min(3, all.size())));
            assertThat(all).isSortedAccordingTo(Comparator.comparingDouble((FeatureContribution c) -> -Math.abs(c.contribution())));
            for (FeatureContribution c : all) {
                int f = schema.requireIndex(c.feature());
                assertThat(model.thresholds(f)).as("feature %s is split on", c.feature()).isNotEmpty();
                assertThat(c.value()).isEqualTo(row[f]);
                assertThat(c.contribution()).isNotZero();
            }
        }
    }

    @Test
    void readsTheRowAtItsOffsetAndLeavesMissingValuesOut() {
        Random random = new Random(3);
        float[] row = row(random);
        List<FeatureContribution> alone = FeatureContributions.of(model, schema, row, 0, FEATURES);
        float[] batch = new float[FEATURES * 3];
        System.arraycopy(row, 0, batch, FEATURES, FEATURES);
        assertThat(FeatureContributions.of(model, schema.names(), batch, FEATURES, FEATURES)).isEqualTo(alone);

        String first = alone.get(0).feature();
        row[schema.requireIndex(first)] = Float.NaN;
        assertThat(FeatureContributions.of(model, schema, row, 0, FEATURES)).extracting(FeatureContribution::feature)
                .doesNotContain(first);
    }

    @Test
    void feedsTheAnomalyContextThatTheTemplateCites() {
        float[] row = row(new Random(4));
        List<FeatureContribution> top = FeatureContributions.of(model, schema, row, 0, 3);
        AnomalyContext anomaly = AnomalyContext.builder("Connection pool exhausted", model.predict(row, 0))
                .features(top).build();
        Explanation e = new TemplateExplainer().explain(anomaly, List.of());
        assertThat(e.rootCauseAnalysis()).contains(top.get(0).feature());
    }

    @Test
    void rejectsMismatchedInput() {
        float[] row = new float[FEATURES];
        assertThatThrownBy(() -> FeatureContributions.of(model, List.of("a", "b"), row, 0, 3))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("12 input features but 2");
        assertThatThrownBy(() -> FeatureContributions.of(model, schema, row, 1, 3))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("offset 1");
        assertThatThrownBy(() -> FeatureContributions.of(model, schema, row, 0, 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("top must be at least 1");
    }

    private static double sum(List<FeatureContribution> contributions) {
        return contributions.stream().mapToDouble(FeatureContribution::contribution).sum();
    }
}
