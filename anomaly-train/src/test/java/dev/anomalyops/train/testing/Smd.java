package dev.anomalyops.train.testing;

import dev.anomalyops.core.scoring.FeatureBatch;
import dev.anomalyops.core.testing.SharedData;
import dev.anomalyops.train.CsvRowSource;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Reads one Server Machine Dataset machine from the shared data (never copied into the repository). */
public final class Smd {
    private Smd() {}

    /**
     * @param part {@code train} or {@code test}
     * @param machine e.g. {@code machine-1-2}
     * @return every row of that file
     */
    public static FeatureBatch rows(String part, String machine) {
        Path file = SharedData.require("smd/" + part + "/" + machine + ".txt.gz");
        return CsvRowSource.builder(file).header(false).build().collect();
    }

    /**
     * @param machine e.g. {@code machine-1-2}
     * @return the test labels, 0 or 1 per test row
     */
    public static int[] labels(String machine) {
        Path file = SharedData.require("smd/test_label/" + machine + ".txt");
        try {
            List<String> lines = Files.readAllLines(file);
            return lines.stream().map(String::strip).filter(l -> !l.isEmpty()).mapToInt(Integer::parseInt).toArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Writes rows as a headerless CSV with shortest round-trip float text.
     *
     * @param batch rows
     * @param file target
     */
    public static void writeCsv(FeatureBatch batch, Path file) {
        StringBuilder out = new StringBuilder(batch.rows() * batch.columns() * 9);
        float[] values = batch.values();
        for (int r = 0; r < batch.rows(); r++) {
            for (int c = 0; c < batch.columns(); c++) {
                if (c > 0) {
                    out.append(',');
                }
                out.append(values[r * batch.columns() + c]);
            }
            out.append('\n');
        }
        try {
            Files.writeString(file, out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
