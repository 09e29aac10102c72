package dev.anomalyops.features.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.anomalyops.features.metrics.RealData.Sample;
import java.io.BufferedWriter;
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
 * The Java features equal pandas' rolling windows (Debian python3-pandas, run with /usr/bin/python3 and
 * src/test/python/pandas_features.py) on NAB realAWSCloudwatch with some values blanked, to float32 precision: the
 * documented semantics are the ones data scientists get in pandas.
 */
class PandasParityTest {
    @TempDir
    Path dir;

    private static boolean close(float actual, double expected) {
        return Math.abs(actual - expected) <= 1e-6 * Math.max(1, Math.abs(expected));
    }

    private static double exactStd(MetricFrame frame, int from, int to) {
        java.math.MathContext mc = java.math.MathContext.DECIMAL128;
        List<java.math.BigDecimal> present = new ArrayList<>();
        for (int i = from; i <= to; i++) {
            if (!Double.isNaN(frame.value(i, 0))) {
                present.add(new java.math.BigDecimal(frame.value(i, 0)));
            }
        }
        if (present.size() < 2) {
            return Double.NaN;
        }
        java.math.BigDecimal mean = present.stream().reduce(java.math.BigDecimal.ZERO, (a, b) -> a.add(b, mc))
                .divide(java.math.BigDecimal.valueOf(present.size()), mc);
        java.math.BigDecimal ss = java.math.BigDecimal.ZERO;
        for (java.math.BigDecimal x : present) {
            java.math.BigDecimal d = x.subtract(mean, mc);
            ss = ss.add(d.multiply(d, mc), mc);
        }
        return Math.sqrt(ss.divide(java.math.BigDecimal.valueOf(present.size() - 1), mc).doubleValue());
    }

    @Test
    void javaFeaturesEqualPandasRollingWindowsOnNab() throws Exception {
        Path python = Path.of("/usr/bin/python3");
        Assumptions.assumeTrue(Files.isExecutable(python), "python3 is not installed");
        Process probe = new ProcessBuilder(python.toString(), "-c", "import pandas").redirectErrorStream(true).start();
        Assumptions.assumeTrue(probe.waitFor(60, TimeUnit.SECONDS) && probe.exitValue() == 0, "python3-pandas is not installed");

        // NAB has 22 repeated timestamps (local times around a daylight-saving change): pandas keeps them as rows.
        FeatureSpec spec = FeatureSpec.builder("parity").metrics("value").duplicates(DuplicatePolicy.KEEP)
                .window(Window.ofSamples(5, Stat.MEAN, Stat.STD, Stat.MIN, Stat.MAX))
                .window(Window.ofSamples(15, Stat.MEAN, Stat.STD, Stat.MIN, Stat.MAX))
                .window(Window.ofSamples(60, Stat.MEAN, Stat.STD, Stat.MIN, Stat.MAX))
                .lags(1, 5, 15).diffs(1).pctChanges(1)
                .time(TimeFeature.HOUR, TimeFeature.DAY_OF_WEEK, TimeFeature.WEEKEND).build();
        List<List<Sample>> nab = RealData.nab();
        MetricFrame frame = new MetricFrame(List.of("value"), 70_000);
        Path input = dir.resolve("nab.csv");
        java.util.Random random = new java.util.Random(3);
        try (BufferedWriter w = Files.newBufferedWriter(input)) {
            w.write("instance,timestamp,value\n");
            for (List<Sample> series : nab) {
                for (Sample s : series) {
                    double v = random.nextDouble() < 0.02 ? Double.NaN : s.values()[0];
                    frame.add(s.instance(), s.timestamp(), v);
                    w.write(s.instance() + "," + s.timestamp() + "," + (Double.isNaN(v) ? "" : Double.toString(v)) + "\n");
                }
            }
        }
        FeatureFrame java = BatchFeatures.of(spec).compute(frame);

        Path output = dir.resolve("pandas.csv");
        Process p = new ProcessBuilder(python.toString(), Path.of("src/test/python/pandas_features.py").toAbsolutePath().toString(),
                "--input", input.toString(), "--output", output.toString(), "--metrics", "value",
                "--windows", "5,15,60", "--lags", "1,5,15", "--diffs", "1", "--pcts", "1")
                .redirectErrorStream(true).start();
        String log = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(log).isZero();

        List<String> lines = Files.readAllLines(output);
        assertThat(lines.get(0).split(",")).containsExactlyElementsOf(spec.schema().names());
        assertThat(lines).hasSize(java.rows() + 1);
        List<String> mismatches = new ArrayList<>();
        int pandasLessExact = 0;
        int instanceStart = 0;
        for (int r = 0; r < java.rows(); r++) {
            if (r > 0 && !java.instance(r).equals(java.instance(r - 1))) {
                instanceStart = r;
            }
            String[] cells = lines.get(r + 1).split(",", -1);
            for (int f = 0; f < cells.length; f++) {
                double expected = cells[f].isEmpty() ? Double.NaN : Double.parseDouble(cells[f]);
                float actual = java.value(r, f);
                boolean ok = Double.isNaN(expected) ? Float.isNaN(actual) : close(actual, expected);
                String name = spec.schema().feature(f).name();
                if (!ok && name.startsWith("value_std_")) {
                    // pandas' rolling variance drifts on large values (disk bytes up to 1e8): judge by the exact value.
                    int w = Integer.parseInt(name.substring("value_std_".length()));
                    double exact = exactStd(frame, Math.max(instanceStart, r - w + 1), r);
                    ok = close(actual, exact) && Math.abs(actual - exact) < Math.abs(expected - exact);
                    pandasLessExact += ok ? 1 : 0;
                }
                if (!ok && mismatches.size() < 10) {
                    mismatches.add("row " + r + " " + name + ": java " + actual + ", pandas " + expected);
                }
            }
        }
        assertThat(mismatches).isEmpty();
        assertThat(pandasLessExact).as("values where pandas drifted and Java matched the exact std").isLessThan(java.rows() / 10);
    }
}
