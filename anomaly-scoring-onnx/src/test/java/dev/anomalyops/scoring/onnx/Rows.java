package dev.anomalyops.scoring.onnx;

import dev.anomalyops.core.testing.SharedData;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.zip.GZIPInputStream;

/** Real SMD rows plus the adversarial variants parity needs (NaN, thresholds and their neighbours, specials). */
final class Rows {
    static final int FEATURES = 38;

    private Rows() {}

    static float[] smd(String relative) {
        Path path = SharedData.require(relative);
        List<float[]> rows = new ArrayList<>();
        try (BufferedReader in = new BufferedReader(new InputStreamReader(relative.endsWith(".gz")
                ? new GZIPInputStream(Files.newInputStream(path)) : Files.newInputStream(path), StandardCharsets.US_ASCII))) {
            String line;
            while ((line = in.readLine()) != null) {
                if (line.isBlank()) {
                    continue;
                }
                String[] parts = line.split(",");
                float[] row = new float[FEATURES];
                for (int i = 0; i < FEATURES; i++) {
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

    static float[] labels(String relative) {
        try {
            List<String> lines = Files.readAllLines(SharedData.require(relative));
            return toFloats(lines.stream().filter(l -> !l.isBlank()).mapToDouble(Double::parseDouble).toArray());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static float[] toFloats(double[] values) {
        float[] out = new float[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = (float) values[i];
        }
        return out;
    }

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
     * @param base real rows
     * @param thresholds per feature, the thresholds the model compares it with
     * @param seed random seed
     * @return the base rows, then copies with NaN, exact thresholds, one-ulp neighbours and special values
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
                for (int k = 0; k < 6 && copy > 0; k++) {
                    int f = random.nextInt(FEATURES);
                    float[] t = thresholds[f];
                    switch (copy) {
                        case 1 -> out[offset + f] = Float.NaN;
                        case 2, 3 -> {
                            if (t.length > 0) {
                                float exact = t[random.nextInt(t.length)];
                                int move = copy == 2 ? 0 : random.nextBoolean() ? 1 : -1;
                                out[offset + f] = move == 0 ? exact : move < 0 ? Math.nextDown(exact) : Math.nextUp(exact);
                            }
                        }
                        default -> out[offset + f] = specials[random.nextInt(specials.length)];
                    }
                }
            }
        }
        return out;
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
}
