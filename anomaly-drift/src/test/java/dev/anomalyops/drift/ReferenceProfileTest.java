package dev.anomalyops.drift;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.anomalyops.core.ConfigurationException;
import dev.anomalyops.core.FeatureSchema;
import dev.anomalyops.core.ModelLoadException;
import dev.anomalyops.core.SchemaMismatchException;
import dev.anomalyops.core.model.ModelBundle;
import dev.anomalyops.core.model.ModelFormat;
import dev.anomalyops.core.scoring.FeatureBatch;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReferenceProfileTest {
    @TempDir
    Path dir;

    @Test
    void decilesOfAnEvenRangeSplitItIntoTenEqualBins() {
        float[] values = new float[100];
        for (int i = 0; i < 100; i++) {
            values[i] = i;
        }
        FeatureProfile profile = ReferenceProfile.learn(FeatureBatch.wrap(FeatureSchema.of("x"), values, 100), null,
                ProfileOptions.defaults()).features().get(0);
        // numpy: np.quantile(range(100), [0.1 .. 0.9]) = 9.9, 19.8, ..., 89.1
        assertThat(profile.edges()).hasSize(9);
        for (int k = 1; k <= 9; k++) {
            assertThat(profile.edges()[k - 1]).isCloseTo(99.0 * k / 10, org.assertj.core.data.Offset.offset(1e-12));
        }
        assertThat(profile.counts()).containsExactly(10, 10, 10, 10, 10, 10, 10, 10, 10, 10);
        assertThat(profile.min()).isEqualTo(0.0);
        assertThat(profile.max()).isEqualTo(99.0);
        // Tukey: q1 = 24.75, q3 = 74.25, IQR 49.5 -> fences at -49.5 and 148.5: no training outliers.
        assertThat(profile.outlierLow()).isEqualTo(24.75 - 1.5 * 49.5);
        assertThat(profile.outlierHigh()).isEqualTo(74.25 + 1.5 * 49.5);
        assertThat(profile.outliers()).isZero();
    }

    @Test
    void tiedValuesMergeEdgesAndConstantOrEmptyColumnsStillProfile() {
        float[] values = {0, 0, 0, 0, 0, 0, 0, 1, 2, 3, Float.NaN, 5, 0, 0, 0, 0, Float.NaN, 7, 0, 0};
        // Columns: a has many zeros, b is constant, c is all missing.
        float[] rows = new float[values.length * 3];
        for (int r = 0; r < values.length; r++) {
            rows[r * 3] = values[r];
            rows[r * 3 + 1] = 4f;
            rows[r * 3 + 2] = Float.NaN;
        }
        ReferenceProfile profile = ReferenceProfile.learn(FeatureBatch.wrap(FeatureSchema.of("a", "b", "c"), rows,
                values.length), null, ProfileOptions.defaults());
        FeatureProfile a = profile.feature("a");
        assertThat(a.edges()).doesNotHaveDuplicates().isSorted();
        assertThat(a.bins()).isLessThan(10);
        assertThat(a.missing()).isEqualTo(2);
        assertThat(a.missingRate()).isEqualTo(0.1);
        FeatureProfile b = profile.feature("b");
        assertThat(b.edges()).containsExactly(4.0);
        assertThat(b.counts()).containsExactly(0, 20);
        FeatureProfile c = profile.feature("c");
        assertThat(c.bins()).isEqualTo(1);
        assertThat(c.missingRate()).isEqualTo(1.0);
        assertThat(c.min()).isNaN();
        assertThat(c.outlierLow()).isNaN();
    }

    @Test
    void jsonRoundTripsExactlyAndTheBundleCarriesIt() {
        FeatureSchema schema = TestData.schema(6);
        FeatureBatch training = TestData.synthetic(schema, 3000, 0, 42);
        ReferenceProfile profile = ReferenceProfile.learn(training, TestData.probabilities(training), ProfileOptions.defaults());
        assertThat(ReferenceProfile.fromJson(profile.toJson())).isEqualTo(profile);

        ModelBundle bundle = profile.addTo(ModelBundle.builder("cpu-anomaly", "3")
                        .model(ModelFormat.XGBOOST_JSON, "model.json", "{}".getBytes(StandardCharsets.UTF_8))
                        .schema(schema)
                        .threshold(0.7))
                .writeTo(dir.resolve("bundle"));
        assertThat(bundle.driftReference()).isPresent();
        assertThat(bundle.driftReference().orElseThrow().getFileName().toString()).isEqualTo(ReferenceProfile.FILE_NAME);
        ModelBundle read = ModelBundle.read(dir.resolve("bundle"));
        assertThat(ReferenceProfile.fromBundle(read)).contains(profile);
        assertThat(DriftMonitor.forBundle(read).build().profile()).isEqualTo(profile);
    }

    @Test
    void aBundleWithoutReferenceOrWithAnotherSchemaIsReported() {
        FeatureSchema schema = TestData.schema(3);
        ModelBundle.Builder builder = ModelBundle.builder("m", "1")
                .model(ModelFormat.XGBOOST_JSON, "model.json", "{}".getBytes(StandardCharsets.UTF_8))
                .schema(schema);
        ModelBundle plain = builder.writeTo(dir.resolve("plain"));
        assertThat(ReferenceProfile.fromBundle(plain)).isEmpty();
        assertThatThrownBy(() -> DriftMonitor.forBundle(plain))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("has no drift reference");

        ReferenceProfile other = ReferenceProfile.learn(TestData.synthetic(FeatureSchema.of("x", "y", "z"), 100, 0, 1), null,
                ProfileOptions.defaults());
        ModelBundle mismatched = other.addTo(ModelBundle.builder("m", "2")
                        .model(ModelFormat.XGBOOST_JSON, "model.json", "{}".getBytes(StandardCharsets.UTF_8))
                        .schema(schema))
                .writeTo(dir.resolve("mismatched"));
        assertThatThrownBy(() -> ReferenceProfile.fromBundle(mismatched))
                .isInstanceOf(SchemaMismatchException.class).hasMessageContaining(schema.fingerprint());
    }

    @Test
    void invalidDocumentsGiveClearErrors() {
        assertThatThrownBy(() -> ReferenceProfile.fromJson("{".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(ModelLoadException.class).hasMessageContaining("not valid JSON");
        assertThatThrownBy(() -> ReferenceProfile.fromJson("{\"format\":\"other/v9\"}".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(ModelLoadException.class).hasMessageContaining("format must be");
        ReferenceProfile profile = ReferenceProfile.learn(TestData.synthetic(TestData.schema(2), 200, 0, 3), null,
                ProfileOptions.defaults());
        String json = new String(profile.toJson(), StandardCharsets.UTF_8);
        String unsorted = json.replaceFirst("\"edges\" : \\[ ([-0-9.E]+), ([-0-9.E]+)", "\"edges\" : [ $2, $1");
        assertThat(unsorted).isNotEqualTo(json);
        assertThatThrownBy(() -> ReferenceProfile.fromJson(unsorted.getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(ModelLoadException.class).hasMessageContaining("strictly increasing");
        String negative = json.replaceFirst("\"missing\" : \\d+", "\"missing\" : -1");
        assertThatThrownBy(() -> ReferenceProfile.fromJson(negative.getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(ModelLoadException.class).hasMessageContaining("missing must be a non-negative integer");
    }

    @Test
    void optionsReportEveryProblem() {
        assertThatThrownBy(() -> ProfileOptions.builder().bins(1).outlierMultiplier(-1).build())
                .isInstanceOfSatisfying(ConfigurationException.class, e -> assertThat(e.violations()).hasSize(2));
    }
}
