package dev.anomalyops.drift;

import dev.anomalyops.core.FeatureSchema;
import dev.anomalyops.core.scoring.FeatureBatch;
import dev.anomalyops.core.testing.SharedData;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.zip.GZIPInputStream;

/** Test data: SMD machines from the shared datasets, synthetic drifted data, and raw files for numpy. */
final class TestData {
    private TestData() {}

    /**
     * @param relative an SMD file, e.g. {@code smd/train/machine-1-2.txt.gz}
     * @return its rows, features named {@code m0 .. m37}
     */
    static FeatureBatch smd(String relative) throws IOException {
        Path path = SharedData.require(relative);
        List<float[]> rows = new ArrayList<>();
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(
                new GZIPInputStream(Files.newInputStream(path)), StandardCharsets.US_ASCII))) {
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
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
        }
        int columns = rows.get(0).length;
        FeatureSchema schema = schema(columns);
        float[] values = new float[rows.size() * columns];
        for (int r = 0; r < rows.size(); r++) {
            System.arraycopy(rows.get(r), 0, values, r * columns, columns);
        }
        return FeatureBatch.wrap(schema, values, rows.size());
    }

    static FeatureSchema schema(int columns) {
        String[] names = new String[columns];
        for (int i = 0; i < columns; i++) {
            names[i] = "m" + i;
        }
        return FeatureSchema.of(names);
    }

    /**
     * Synthetic rows with varied shapes (normal, log-normal, discrete with ties, uniform) and some missing values.
     *
     * @param schema the layout
     * @param rows how many rows
     * @param shift added to every value (in units of each column's scale): 0 for reference-like data
     * @param seed the random seed
     */
    static FeatureBatch synthetic(FeatureSchema schema, int rows, double shift, long seed) {
        int columns = schema.size();
        float[] values = new float[rows * columns];
        SplittableRandom random = new SplittableRandom(seed);
        for (int r = 0; r < rows; r++) {
            for (int f = 0; f < columns; f++) {
                double g = gaussian(random);
                double x = switch (f % 4) {
                    case 0 -> g + shift;
                    case 1 -> Math.exp(0.5 * g + shift);
                    case 2 -> Math.floor(2 * g + 3 * shift);
                    default -> random.nextDouble() + shift;
                };
                if (f % 5 == 4 && random.nextInt(50) == 0) {
                    x = Double.NaN;
                }
                values[r * columns + f] = (float) x;
            }
        }
        return FeatureBatch.wrap(schema, values, rows);
    }

    /** A logistic score of a few features, standing in for a model's predicted probability. */
    static double[] probabilities(FeatureBatch batch) {
        double[] p = new double[batch.rows()];
        float[] v = batch.values();
        int c = batch.columns();
        for (int r = 0; r < p.length; r++) {
            double z = -2.0;
            for (int f = 0; f < Math.min(c, 6); f++) {
                float x = v[r * c + f];
                if (x == x) {
                    z += (f % 2 == 0 ? 0.8 : -0.3) * x;
                }
            }
            p[r] = 1 / (1 + Math.exp(-z));
        }
        return p;
    }

    static double gaussian(SplittableRandom random) {
        // Box-Muller: SplittableRandom has no nextGaussian on Java 17.
        double u = random.nextDouble();
        double v = random.nextDouble();
        return Math.sqrt(-2 * Math.log1p(-u)) * Math.cos(2 * Math.PI * v);
    }

    static void writeFloats(Path file, float[] values, int count) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(1 << 20).order(ByteOrder.LITTLE_ENDIAN);
        try (OutputStream out = Files.newOutputStream(file)) {
            for (int i = 0; i < count; i++) {
                if (!buffer.hasRemaining()) {
                    out.write(buffer.array(), 0, buffer.position());
                    buffer.clear();
                }
                buffer.putFloat(values[i]);
            }
            out.write(buffer.array(), 0, buffer.position());
        }
    }

    static void writeDoubles(Path file, double[] values) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(values.length * 8).order(ByteOrder.LITTLE_ENDIAN);
        for (double value : values) {
            buffer.putDouble(value);
        }
        Files.write(file, buffer.array());
    }
}
