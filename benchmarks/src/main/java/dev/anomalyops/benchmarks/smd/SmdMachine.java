package dev.anomalyops.benchmarks.smd;

import dev.anomalyops.core.InputException;
import dev.anomalyops.core.StorageException;
import dev.anomalyops.core.scoring.FeatureBatch;
import dev.anomalyops.train.CsvRowSource;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Objects;
import java.util.zip.GZIPInputStream;

/**
 * One machine of a folder in Server Machine Dataset layout: {@code train/ID.txt[.gz]} (unlabelled history),
 * {@code test/ID.txt[.gz]} (the later period) and {@code test_label/ID.txt[.gz]} (one 0/1 per test row).
 * Rows are comma-separated numbers without a header; features are named {@code f0 … f(n-1)}.
 */
public final class SmdMachine {
    private final String id;
    private final FeatureBatch train;
    private final FeatureBatch test;
    private final int[] testLabels;

    private SmdMachine(String id, FeatureBatch train, FeatureBatch test, int[] testLabels) {
        this.id = id;
        this.train = train;
        this.test = test;
        this.testLabels = testLabels;
    }

    /**
     * @param data a folder in SMD layout
     * @param machine the machine id, e.g. {@code machine-1-2}
     * @return the machine's rows and labels
     * @throws StorageException when a file is missing
     * @throws InputException when the files disagree (widths, row and label counts) or hold bad values
     */
    public static SmdMachine load(Path data, String machine) {
        Objects.requireNonNull(machine, "machine");
        FeatureBatch train = rows(find(data, "train", machine));
        FeatureBatch test = rows(find(data, "test", machine));
        int[] labels = labels(find(data, "test_label", machine));
        if (train.columns() != test.columns()) {
            throw new InputException("Machine \"" + machine + "\": train rows have " + train.columns()
                    + " values but test rows have " + test.columns());
        }
        if (labels.length != test.rows()) {
            throw new InputException("Machine \"" + machine + "\": " + test.rows() + " test rows but " + labels.length
                    + " test labels");
        }
        return new SmdMachine(machine, train, test, labels);
    }

    /** @return the machine id */
    public String id() {
        return id;
    }

    /** @return the unlabelled training rows */
    public FeatureBatch train() {
        return train;
    }

    /** @return the test rows, in time order */
    public FeatureBatch test() {
        return test;
    }

    /** @return the test labels (a copy) */
    int[] testLabels() {
        return testLabels.clone();
    }

    private static Path find(Path data, String part, String machine) {
        for (String name : new String[] {machine + ".txt", machine + ".txt.gz", machine + ".csv", machine + ".csv.gz"}) {
            Path candidate = data.resolve(part).resolve(name);
            if (Files.isRegularFile(candidate)) {
                return candidate;
            }
        }
        throw new StorageException("No " + part + " file for machine \"" + machine + "\" in " + data.resolve(part)
                + " (expected " + machine + ".txt or " + machine + ".txt.gz)");
    }

    private static FeatureBatch rows(Path file) {
        return CsvRowSource.builder(file).header(false).batchRows(8192).build().collect();
    }

    private static int[] labels(Path file) {
        try (InputStream raw = Files.newInputStream(file);
                InputStream in = file.toString().endsWith(".gz") ? new GZIPInputStream(raw) : raw;
                BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            int[] labels = new int[1 << 15];
            int n = 0;
            String line;
            long number = 0;
            while ((line = reader.readLine()) != null) {
                number++;
                String t = line.strip();
                if (t.isEmpty()) {
                    continue;
                }
                int value;
                try {
                    value = (int) Double.parseDouble(t);
                } catch (NumberFormatException e) {
                    value = -1;
                }
                if (value != 0 && value != 1) {
                    throw new InputException("Label file " + file + " line " + number + " is \"" + t
                            + "\" but labels must be 0 or 1");
                }
                if (n == labels.length) {
                    labels = Arrays.copyOf(labels, n * 2);
                }
                labels[n++] = value;
            }
            return Arrays.copyOf(labels, n);
        } catch (IOException e) {
            throw new StorageException("Cannot read label file " + file + ": " + e.getMessage(), e);
        }
    }
}
