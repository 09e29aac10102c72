package dev.anomalyops.drift;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.anomalyops.core.scoring.FeatureBatch;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Our profile and statistics against an independent numpy/scipy implementation ({@code src/test/python/drift_stats.py},
 * Debian's python3-numpy and python3-scipy) on a real dataset: SMD machine-1-2, training half as the reference and
 * test half (which holds labelled incidents) as the production window, with missing and infinite values injected.
 * Bin edges must match bit for bit, counts exactly, statistics to 1e-9.
 */
class NumpyParityTest {
    static final Path PYTHON = Path.of("/usr/bin/python3");
    static final Path SCRIPT = Path.of("src/test/python/drift_stats.py").toAbsolutePath();

    @TempDir
    Path dir;

    @Test
    void profileAndStatisticsMatchNumpyOnSmd() throws Exception {
        FeatureBatch reference = TestData.smd("smd/train/machine-1-2.txt.gz");
        FeatureBatch window = TestData.smd("smd/test/machine-1-2.txt.gz");
        inject(reference, 3, 101);
        inject(window, 3, 37);
        inject(window, 10, 53);
        window.values()[7 * window.columns() + 5] = Float.POSITIVE_INFINITY;
        window.values()[9 * window.columns() + 5] = Float.NEGATIVE_INFINITY;
        double[] referenceP = TestData.probabilities(reference);
        double[] windowP = TestData.probabilities(window);
        windowP[11] = Double.NaN;

        JsonNode numpy = runNumpy(reference, window, referenceP, windowP, 10, 1);
        ReferenceProfile profile = ReferenceProfile.learn(reference, referenceP, ProfileOptions.defaults());
        DriftReport report = DriftCalculator.builder(profile).build().compare(window, windowP);

        double maxDiff = 0;
        for (int f = 0; f < reference.columns(); f++) {
            maxDiff = Math.max(maxDiff, compare(profile.features().get(f), report.features().get(f), numpy.get("features").get(f)));
        }
        maxDiff = Math.max(maxDiff, compare(profile.prediction().orElseThrow(), report.prediction().orElseThrow(),
                numpy.get("prediction")));
        assertThat(report.anomalyRate()).isCloseTo(numpy.get("anomaly_rate").asDouble(), within(1e-12));
        assertThat(maxDiff).isLessThan(1e-9);
        // The test half holds incidents: some features must have drifted measurably, or the comparison is vacuous.
        assertThat(report.maxFeaturePsi()).isGreaterThan(0.1);
    }

    @Test
    void manyBinsAndHeavyTiesMatchNumpy() throws Exception {
        FeatureBatch reference = TestData.synthetic(TestData.schema(9), 20_000, 0, 1);
        FeatureBatch window = TestData.synthetic(TestData.schema(9), 15_000, 0.3, 2);
        JsonNode numpy = runNumpy(reference, window, TestData.probabilities(reference), TestData.probabilities(window), 37, 1);
        ReferenceProfile profile = ReferenceProfile.learn(reference, TestData.probabilities(reference),
                ProfileOptions.builder().bins(37).build());
        DriftReport report = DriftCalculator.builder(profile).build().compare(window, TestData.probabilities(window));
        double maxDiff = 0;
        for (int f = 0; f < 9; f++) {
            maxDiff = Math.max(maxDiff, compare(profile.features().get(f), report.features().get(f), numpy.get("features").get(f)));
        }
        assertThat(maxDiff).isLessThan(1e-9);
    }

    /** Compares one column; returns the largest absolute difference of the statistics. */
    static double compare(FeatureProfile profile, FeatureDrift drift, JsonNode expected) {
        String name = profile.name();
        assertThat(profile.edges()).as(name + " edges").containsExactly(doubles(expected.get("edges")));
        assertThat(profile.counts()).as(name + " reference counts").containsExactly(longs(expected.get("counts")));
        assertThat(profile.missing()).as(name + " reference missing").isEqualTo(expected.get("missing").asLong());
        assertThat(profile.outlierLow()).as(name + " low fence").isEqualTo(orNaN(expected.get("outlier_low")));
        assertThat(profile.outlierHigh()).as(name + " high fence").isEqualTo(orNaN(expected.get("outlier_high")));
        assertThat(profile.min()).as(name + " min").isEqualTo(orNaN(expected.get("min")));
        assertThat(profile.max()).as(name + " max").isEqualTo(orNaN(expected.get("max")));
        JsonNode window = expected.get("window");
        long[] productionCounts = longs(window.get("counts"));
        long binned = 0;
        for (int b = 0; b < productionCounts.length; b++) {
            binned += productionCounts[b];
            assertThat(drift.productionShare(b) * drift.binned()).as(name + " window count " + b)
                    .isCloseTo((double) productionCounts[b], within(1e-6));
        }
        assertThat(drift.binned()).as(name + " binned").isEqualTo(binned);
        double diff = 0;
        diff = Math.max(diff, Math.abs(drift.psi() - window.get("psi").asDouble()));
        diff = Math.max(diff, Math.abs(drift.klDivergence() - window.get("kl").asDouble()));
        diff = Math.max(diff, Math.abs(drift.jensenShannon() - window.get("js").asDouble()));
        diff = Math.max(diff, Math.abs(drift.missingRate() - window.get("missing_rate").asDouble()));
        diff = Math.max(diff, Math.abs(drift.outlierPercentage() - window.get("outlier_percentage").asDouble()));
        assertThat(diff).as(name + " statistics").isLessThan(1e-9);
        return diff;
    }

    JsonNode runNumpy(FeatureBatch reference, FeatureBatch window, double[] referenceP, double[] windowP, int bins,
            int minimumRows) throws IOException, InterruptedException {
        Assumptions.assumeTrue(Files.isExecutable(PYTHON), "Debian's /usr/bin/python3 is not installed");
        Path ref = dir.resolve("ref.f32");
        Path win = dir.resolve("win.f32");
        Path refP = dir.resolve("ref.f64");
        Path winP = dir.resolve("win.f64");
        TestData.writeFloats(ref, reference.values(), reference.rows() * reference.columns());
        TestData.writeFloats(win, window.values(), window.rows() * window.columns());
        TestData.writeDoubles(refP, referenceP);
        TestData.writeDoubles(winP, windowP);
        List<String> command = new ArrayList<>(List.of(PYTHON.toString(), SCRIPT.toString(), "--reference", ref.toString(),
                "--window", win.toString(), "--columns", Integer.toString(reference.columns()),
                "--reference-predictions", refP.toString(), "--window-predictions", winP.toString(),
                "--bins", Integer.toString(bins), "--minimum-rows", Integer.toString(minimumRows)));
        Process process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        byte[] out = process.getInputStream().readAllBytes();
        assertThat(process.waitFor(120, TimeUnit.SECONDS)).isTrue();
        Assumptions.assumeFalse(process.exitValue() != 0 && new String(out, StandardCharsets.UTF_8).isEmpty()
                && !hasNumpy(), "numpy/scipy are not installed for /usr/bin/python3");
        assertThat(process.exitValue()).as("drift_stats.py exit code").isZero();
        return new ObjectMapper().readTree(out);
    }

    static boolean hasNumpy() throws IOException, InterruptedException {
        Process p = new ProcessBuilder(PYTHON.toString(), "-c", "import numpy, scipy").start();
        return p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0;
    }

    static void inject(FeatureBatch batch, int column, int every) {
        for (int r = 0; r < batch.rows(); r += every) {
            batch.values()[r * batch.columns() + column] = Float.NaN;
        }
    }

    static double orNaN(JsonNode node) {
        return node == null || node.isNull() ? Double.NaN : node.asDouble();
    }

    static double[] doubles(JsonNode array) {
        double[] values = new double[array.size()];
        for (int i = 0; i < values.length; i++) {
            values[i] = array.get(i).asDouble();
        }
        return values;
    }

    static long[] longs(JsonNode array) {
        long[] values = new long[array.size()];
        for (int i = 0; i < values.length; i++) {
            values[i] = array.get(i).asLong();
        }
        return values;
    }
}
