package dev.anomalyops.scoring.xgboost;

import dev.anomalyops.core.testing.SharedData;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.zip.GZIPInputStream;

/**
 * Real rows (Server Machine Dataset) and the adversarial rows parity tests need: NaN, signed zeros, huge
 * values and values exactly on (and one ulp around) the model's split thresholds.
 */
final class ParityData {
    static final int FEATURES = 38;

    private ParityData() {}

    /** @return the rows of an SMD file, row-major */
    static float[] smd(String relative) {
        Path path = SharedData.require(relative);
        List<float[]> rows = new ArrayList<>();
        try (BufferedReader in = new BufferedReader(new InputStreamReader(
                relative.endsWith(".gz") ? new GZIPInputStream(Files.newInputStream(path)) : Files.newInputStream(path),
                StandardCharsets.US_ASCII))) {
            String line;
            while ((line = in.readLine()) != null) {
                if (line.isBlank()) {
                    continue;
                }
                String[] parts = line.split(",");
                float[] row = new float[parts.length];
                for (int i = 0; i < parts.length; i++) {
                    row[i] = Float.parseFloat(parts[i]);
                }
                rows.add(row);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        float[] values = new float[rows.size() * FEATURES];
        for (int r = 0; r < rows.size(); r++) {
            System.arraycopy(rows.get(r), 0, values, r * FEATURES, FEATURES);
        }
        return values;
    }

    /** @return the 0/1 labels of an SMD label file */
    static float[] labels(String relative) {
        try {
            return toFloats(Files.readAllLines(SharedData.require(relative)).stream().filter(l -> !l.isBlank())
                    .mapToDouble(Double::parseDouble).toArray());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Sets a share of the values to NaN, so the model learns default directions. */
    static float[] withMissing(float[] values, double share, long seed) {
        float[] copy = values.clone();
        Random random = new Random(seed);
        for (int i = 0; i < copy.length; i++) {
            if (random.nextDouble() < share) {
                copy[i] = Float.NaN;
            }
        }
        return copy;
    }

    /**
     * Builds the evaluation set: the base rows, then copies with NaN, with exact thresholds (and their
     * neighbouring floats), and with signed zeros, huge values and infinities.
     *
     * @param base real rows
     * @param thresholds per feature, the split thresholds the model uses
     * @param seed for the random choices
     * @return at least 4x the base rows
     */
    static float[] adversarial(float[] base, float[][] thresholds, long seed) {
        int rows = base.length / FEATURES;
        int copies = 5;
        float[] out = new float[base.length * copies];
        Random random = new Random(seed);
        float[] specials = {0.0f, -0.0f, 1e30f, -1e30f, Float.MAX_VALUE, -Float.MAX_VALUE, Float.MIN_VALUE,
            Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.NaN};
        for (int copy = 0; copy < copies; copy++) {
            for (int r = 0; r < rows; r++) {
                int offset = (copy * rows + r) * FEATURES;
                System.arraycopy(base, r * FEATURES, out, offset, FEATURES);
                for (int k = 0; k < 6; k++) {
                    int f = random.nextInt(FEATURES);
                    switch (copy) {
                        case 1 -> out[offset + f] = Float.NaN;
                        case 2, 3 -> {
                            float[] t = thresholds[f];
                            if (t.length > 0) {
                                float exact = t[random.nextInt(t.length)];
                                int move = copy == 2 ? 0 : random.nextInt(3) - 1;
                                out[offset + f] = move == 0 ? exact : move < 0 ? Math.nextDown(exact) : Math.nextUp(exact);
                            }
                        }
                        case 4 -> out[offset + f] = specials[random.nextInt(specials.length)];
                        default -> {
                            // copy 0: the real rows unchanged
                        }
                    }
                }
            }
        }
        return out;
    }

    static float[] toFloats(double[] values) {
        float[] out = new float[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = (float) values[i];
        }
        return out;
    }

    /** Writes rows as CSV (NaN as an empty field), as the scoring CLI and the Python scripts read them. */
    static void writeCsv(Path file, float[] values, int columns) throws IOException {
        StringBuilder text = new StringBuilder(values.length * 8);
        for (int i = 0; i < values.length; i++) {
            float v = values[i];
            if (!Float.isNaN(v)) {
                text.append(Float.isInfinite(v) ? (v > 0 ? "inf" : "-inf") : Float.toString(v));
            }
            text.append((i + 1) % columns == 0 ? '\n' : ',');
        }
        Files.writeString(file, text);
    }

    static double maxAbsDiff(double[] a, double[] b, int n) {
        double max = 0;
        for (int i = 0; i < n; i++) {
            double d = Math.abs(a[i] - b[i]);
            if (Double.isNaN(d)) {
                return Double.NaN;
            }
            max = Math.max(max, d);
        }
        return max;
    }

    static float[][] emptyThresholds() {
        float[][] t = new float[FEATURES][];
        Arrays.fill(t, new float[0]);
        return t;
    }
}
