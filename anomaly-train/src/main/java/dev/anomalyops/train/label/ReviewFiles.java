package dev.anomalyops.train.label;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.anomalyops.core.FeatureSchema;
import dev.anomalyops.core.InputException;
import dev.anomalyops.core.StorageException;
import dev.anomalyops.train.internal.Csv;
import dev.anomalyops.train.internal.DurableFiles;
import dev.anomalyops.train.internal.JsonSupport;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;

/**
 * The files reviewers work in: the review queue exported as CSV (for spreadsheets) or JSON lines (for tools),
 * and the same files read back once people have filled in the {@code label} column.
 *
 * <p>Columns (CSV) or keys (JSONL): {@code id}, {@code score}, {@code suggested_label}, {@code confidence},
 * {@code reason}, then the empty {@code label}, {@code reviewer} and {@code note} for people to fill, then the
 * context ({@code context.<name>} columns, or a {@code context} object) and the features
 * ({@code feature.<name>} columns, or a {@code features} object). On import only {@code id}, {@code label},
 * {@code reviewer}, {@code note} and an optional {@code reviewed_at} (ISO-8601 instant) are read; a row whose
 * label is empty was not reviewed and is skipped. Labels may be written 1/0, anomaly/normal, true/false or
 * yes/no.
 *
 * <p>Exports are written atomically (temporary file, fsync, rename).
 */
public final class ReviewFiles {
    private static final List<String> FIXED = List.of("id", "score", "suggested_label", "confidence", "reason", "label",
            "reviewer", "note");

    private ReviewFiles() {}

    /**
     * What a reviewed file held.
     *
     * @param labels one human label per reviewed row
     * @param rows rows read
     * @param unreviewed rows with an empty label
     */
    public record Reviewed(List<Label> labels, int rows, int unreviewed) {
        /** Copies the list. */
        public Reviewed {
            labels = List.copyOf(labels);
        }
    }

    /**
     * @param items the rows to review, in order
     * @param schema names the feature columns
     * @param file the CSV file to write (replaced atomically)
     * @throws StorageException when it cannot be written
     */
    public static void writeCsv(List<ReviewItem> items, FeatureSchema schema, Path file) {
        List<String> contextNames = contextNames(items);
        List<String> header = new ArrayList<>(FIXED);
        for (String name : contextNames) {
            header.add("context." + name);
        }
        for (String name : schema.names()) {
            header.add("feature." + name);
        }
        StringBuilder out = new StringBuilder();
        out.append(Csv.record(header)).append('\n');
        for (ReviewItem item : items) {
            List<String> fields = new ArrayList<>(header.size());
            fields.add(item.id());
            fields.add(Double.toString(item.score()));
            fields.add(Integer.toString(item.suggestedLabel()));
            fields.add(Double.toString(item.confidence()));
            fields.add(item.reason().wireName());
            fields.add("");
            fields.add("");
            fields.add("");
            for (String name : contextNames) {
                fields.add(item.context().getOrDefault(name, ""));
            }
            for (float value : item.features()) {
                fields.add(Float.isNaN(value) ? "" : Float.toString(value));
            }
            out.append(Csv.record(fields)).append('\n');
        }
        write(file, out.toString());
    }

    /**
     * @param items the rows to review, in order
     * @param schema names the features
     * @param file the JSON-lines file to write (replaced atomically)
     * @throws StorageException when it cannot be written
     */
    public static void writeJsonl(List<ReviewItem> items, FeatureSchema schema, Path file) {
        StringBuilder out = new StringBuilder();
        for (ReviewItem item : items) {
            ObjectNode node = JsonSupport.mapper().createObjectNode();
            node.put("id", item.id());
            node.put("score", item.score());
            node.put("suggested_label", item.suggestedLabel());
            node.put("confidence", item.confidence());
            node.put("reason", item.reason().wireName());
            node.putNull("label");
            node.putNull("reviewer");
            node.putNull("note");
            ObjectNode context = node.putObject("context");
            item.context().forEach(context::put);
            ObjectNode features = node.putObject("features");
            float[] values = item.features();
            for (int i = 0; i < values.length; i++) {
                if (Float.isNaN(values[i])) {
                    features.putNull(schema.feature(i).name());
                } else {
                    features.put(schema.feature(i).name(), values[i]);
                }
            }
            try {
                out.append(JsonSupport.mapper().writeValueAsString(node)).append('\n');
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
        write(file, out.toString());
    }

    /**
     * Reads a reviewed CSV or JSON-lines file (told apart by its first character).
     *
     * @param file the reviewed file
     * @param defaultReviewer who reviewed rows whose {@code reviewer} is empty
     * @param clock when rows without {@code reviewed_at} were reviewed (the import time)
     * @return the human labels
     * @throws InputException naming the file and line of the first unreadable row
     * @throws StorageException when the file cannot be read
     */
    public static Reviewed read(Path file, String defaultReviewer, Clock clock) {
        Objects.requireNonNull(defaultReviewer, "defaultReviewer");
        Instant now = clock.instant();
        try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            reader.mark(1 << 16);
            int first;
            do {
                first = reader.read();
            } while (first == ' ' || first == '\n' || first == '\r' || first == '\t' || first == 0xFEFF);
            reader.reset();
            return first == '{' ? readJsonl(file, reader, defaultReviewer, now)
                    : readCsv(file, reader, defaultReviewer, now);
        } catch (NoSuchFileException e) {
            throw new StorageException("Reviewed file " + file + " does not exist", e);
        } catch (IOException e) {
            throw new InputException("Cannot read reviewed file " + file + ": " + e.getMessage(), e);
        }
    }

    private static Reviewed readCsv(Path file, Reader reader, String defaultReviewer, Instant now) throws IOException {
        Csv csv = new Csv(reader);
        List<String> header = csv.next();
        if (header == null) {
            throw new InputException("Reviewed file " + file + " is empty; expected a header with \"id\" and \"label\"");
        }
        List<String> names = new ArrayList<>();
        for (String name : header) {
            names.add(name.strip().replace("\uFEFF", "").toLowerCase(Locale.ROOT));
        }
        int id = names.indexOf("id");
        int label = names.indexOf("label");
        if (id < 0 || label < 0) {
            throw new InputException("Reviewed file " + file + " needs the columns \"id\" and \"label\" but its header is "
                    + header);
        }
        int reviewer = names.indexOf("reviewer");
        int note = names.indexOf("note");
        int reviewedAt = names.indexOf("reviewed_at");
        List<Label> labels = new ArrayList<>();
        int rows = 0;
        int unreviewed = 0;
        while (true) {
            long line = csv.line();
            List<String> fields = csv.next();
            if (fields == null) {
                break;
            }
            if (fields.isEmpty() || (fields.size() == 1 && fields.get(0).isBlank())) {
                continue;
            }
            rows++;
            if (fields.size() != names.size()) {
                throw new InputException("Reviewed file " + file + " line " + line + " has " + fields.size()
                        + " fields but the header has " + names.size());
            }
            String value = fields.get(label).strip();
            if (value.isEmpty()) {
                unreviewed++;
                continue;
            }
            labels.add(toLabel(file, line, fields.get(id).strip(), value, field(fields, reviewer), field(fields, note),
                    field(fields, reviewedAt), defaultReviewer, now));
        }
        return new Reviewed(labels, rows, unreviewed);
    }

    private static Reviewed readJsonl(Path file, BufferedReader reader, String defaultReviewer, Instant now)
            throws IOException {
        List<Label> labels = new ArrayList<>();
        int rows = 0;
        int unreviewed = 0;
        long line = 0;
        String text;
        while ((text = reader.readLine()) != null) {
            line++;
            if (text.isBlank()) {
                continue;
            }
            JsonNode node;
            try {
                node = JsonSupport.mapper().readTree(text);
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                throw new InputException("Reviewed file " + file + " line " + line + " is not valid JSON: "
                        + e.getOriginalMessage());
            }
            rows++;
            JsonNode value = node.get("label");
            if (value == null || value.isNull() || value.asText().isBlank()) {
                unreviewed++;
                continue;
            }
            labels.add(toLabel(file, line, node.path("id").asText(""), value.asText(), text(node, "reviewer"),
                    text(node, "note"), text(node, "reviewed_at"), defaultReviewer, now));
        }
        return new Reviewed(labels, rows, unreviewed);
    }

    private static Label toLabel(Path file, long line, String id, String value, String reviewer, String note,
            String reviewedAt, String defaultReviewer, Instant now) {
        String who = reviewer.isBlank() ? defaultReviewer : reviewer.strip();
        if (id.isEmpty()) {
            throw new InputException("Reviewed file " + file + " line " + line + " has a label but no id");
        }
        if (who.isBlank()) {
            throw new InputException("Reviewed file " + file + " line " + line
                    + " names no reviewer; fill the \"reviewer\" column or give a default reviewer");
        }
        try {
            Instant at = reviewedAt.isBlank() ? now : Instant.parse(reviewedAt.strip());
            return new Label(id, Label.parseValue(value), LabelSource.HUMAN, who, at, 1.0, note.strip());
        } catch (IllegalArgumentException | DateTimeParseException e) {
            throw new InputException("Reviewed file " + file + " line " + line + ": " + e.getMessage());
        }
    }

    private static String field(List<String> fields, int index) {
        return index < 0 ? "" : fields.get(index);
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value == null || value.isNull() ? "" : value.asText();
    }

    private static List<String> contextNames(List<ReviewItem> items) {
        Set<String> names = new LinkedHashSet<>();
        for (ReviewItem item : items) {
            names.addAll(item.context().keySet());
        }
        return new ArrayList<>(names);
    }

    private static void write(Path file, String content) {
        try {
            DurableFiles.replace(file, content.getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new StorageException("Cannot write review file " + file + ": " + e.getMessage(), e);
        }
    }
}
