package dev.anomalyops.app.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.anomalyops.core.FeatureSchema;
import dev.anomalyops.core.InvalidFeatureValueException;
import dev.anomalyops.core.StorageException;
import dev.anomalyops.core.model.ModelBundle;
import dev.anomalyops.core.scoring.FeatureBatch;
import dev.anomalyops.core.scoring.Scorer;
import dev.anomalyops.core.scoring.ScorerOptions;
import dev.anomalyops.core.scoring.Scorers;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code anomalyops score}: scores a CSV of rows with a model file or bundle, writing one prediction per line.
 * Rows are streamed in batches, so files larger than memory work. The output file appears only when every
 * row was scored (it is written under a temporary name and renamed).
 */
@Command(name = "score", mixinStandardHelpOptions = true,
        description = {
            "Score rows with a model: an XGBoost model (.json, .ubj), a CatBoost model (.json, .cbm) or a bundle.",
            "ROWS.csv: comma-separated numbers, no header, one row per line; an empty field or nan means missing.",
            "PROBS.csv: one prediction per line (for binary classifiers the probability of the positive class),",
            "with 10 significant digits."})
final class ScoreCommand implements Callable<Integer> {
    private static final int BATCH = 4096;

    @Mixin
    Output output;

    @Option(names = "--model", required = true, paramLabel = "FILE", description = "Model file or bundle (directory or .zip).")
    Path model;

    @Option(names = "--input", required = true, paramLabel = "ROWS.csv", description = "Rows to score.")
    Path input;

    @Option(names = "--output", required = true, paramLabel = "PROBS.csv", description = "Where to write the predictions.")
    Path target;

    @Option(names = "--engine", paramLabel = "NAME",
            description = "Engine to use: java, xgboost4j, catboost (default: the best one for the model's format).")
    String engine;

    @Override
    public Integer call() throws Exception {
        long start = System.nanoTime();
        ModelBundle bundle = Scorers.load(model);
        ScorerOptions options = ScorerOptions.builder().engine(engine).build();
        long rows = 0;
        Path temp = target.toAbsolutePath().resolveSibling("." + target.getFileName() + ".partial");
        try (Scorer scorer = Scorers.open(bundle, options);
                BufferedReader in = Files.newBufferedReader(input, StandardCharsets.UTF_8);
                BufferedWriter out = Files.newBufferedWriter(temp, StandardCharsets.UTF_8)) {
            FeatureSchema schema = scorer.model().schema();
            int columns = schema.size();
            float[] values = new float[BATCH * columns];
            double[] predictions = new double[BATCH];
            FeatureBatch batch = FeatureBatch.wrap(schema, values, BATCH);
            int filled = 0;
            long lineNumber = 0;
            String line;
            while ((line = in.readLine()) != null) {
                lineNumber++;
                if (line.isBlank()) {
                    continue;
                }
                parse(line, lineNumber, values, filled * columns, columns);
                try {
                    schema.validateRow(values, filled * columns);
                } catch (InvalidFeatureValueException e) {
                    throw new InvalidFeatureValueException(e.feature(), input + " line " + lineNumber + ": " + e.getMessage());
                }
                filled++;
                if (filled == BATCH) {
                    write(scorer, batch, filled, predictions, out);
                    rows += filled;
                    filled = 0;
                }
            }
            if (filled > 0) {
                write(scorer, batch, filled, predictions, out);
                rows += filled;
            }
            out.flush();
            output.progress("Scored " + rows + " rows with " + scorer.model().engine() + " in "
                    + String.format(Locale.ROOT, "%.2f", (System.nanoTime() - start) / 1e9) + " s");
            ObjectNode document = output.object();
            document.put("rows", rows);
            document.put("model", scorer.model().name());
            document.put("engine", scorer.model().engine());
            document.put("output", target.toString());
            document.put("seconds", (System.nanoTime() - start) / 1e9);
            out.close();
            try {
                Files.move(temp, target.toAbsolutePath(), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (IOException e) {
                throw new StorageException("Cannot write " + target + ": " + e.getMessage(), e);
            }
            output.print(document, "Wrote " + rows + " predictions to " + target);
        } finally {
            Files.deleteIfExists(temp);
        }
        return 0;
    }

    private static void write(Scorer scorer, FeatureBatch batch, int rows, double[] predictions, BufferedWriter out)
            throws IOException {
        batch.setRows(rows);
        scorer.score(batch, predictions);
        for (int r = 0; r < rows; r++) {
            out.write(String.format(Locale.ROOT, "%.10g", predictions[r]));
            out.write('\n');
        }
    }

    private void parse(String line, long lineNumber, float[] values, int offset, int columns) {
        int column = 0;
        int start = 0;
        int length = line.length();
        if (length > 0 && line.charAt(length - 1) == '\r') {
            length--;
        }
        while (true) {
            int comma = line.indexOf(',', start);
            int end = comma < 0 || comma > length ? length : comma;
            if (column >= columns) {
                throw new InvalidFeatureValueException("", input + " line " + lineNumber + " has more than " + columns
                        + " values; the model expects " + columns + " features");
            }
            values[offset + column] = number(line.substring(start, end).trim(), lineNumber, column);
            column++;
            if (end == length) {
                break;
            }
            start = end + 1;
        }
        if (column != columns) {
            throw new InvalidFeatureValueException("", input + " line " + lineNumber + " has " + column
                    + " values but the model expects " + columns + " features");
        }
    }

    private float number(String field, long lineNumber, int column) {
        if (field.isEmpty()) {
            return Float.NaN;
        }
        switch (field.toLowerCase(Locale.ROOT)) {
            case "nan":
            case "na":
            case "null":
                return Float.NaN;
            case "inf":
            case "+inf":
            case "infinity":
            case "+infinity":
                return Float.POSITIVE_INFINITY;
            case "-inf":
            case "-infinity":
                return Float.NEGATIVE_INFINITY;
            default:
                try {
                    return Float.parseFloat(field);
                } catch (NumberFormatException e) {
                    throw new InvalidFeatureValueException("", input + " line " + lineNumber + " column " + (column + 1)
                            + ": \"" + (field.length() > 30 ? field.substring(0, 30) + "…" : field) + "\" is not a number");
                }
        }
    }

    @Override
    public String toString() {
        return "score " + Arrays.asList(model, input, target);
    }
}
