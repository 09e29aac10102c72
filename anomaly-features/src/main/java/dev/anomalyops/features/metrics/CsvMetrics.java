package dev.anomalyops.features.metrics;

import dev.anomalyops.core.InputException;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;

/**
 * Reads a CSV file (optionally gzip-compressed, by the {@code .gz} suffix) with a header row as a
 * {@link MetricSource} for a {@link FeatureSpec}: the spec's instance, timestamp and metric columns are picked
 * by name, other columns are ignored. Timestamps are epoch milliseconds, ISO-8601 instants, or local date-times
 * ({@code 2014-02-14 14:30:00}) read in the spec's zone. Empty cells are missing values; a column the spec marks
 * as not required may be absent (all missing). Cells that are not numbers fail with an {@link InputException}
 * naming the line: run {@code DataValidator} first to quarantine such rows instead.
 */
public final class CsvMetrics implements MetricSource {
    private static final int CHUNK = 8192;
    private final BufferedReader reader;
    private final Path file;
    private final ZoneId zone;
    private final int instanceAt;
    private final int timestampAt;
    private final int[] metricAt;
    private final List<String> metrics;
    private final MetricFrame frame;
    private long line = 1;

    private CsvMetrics(Path file, FeatureSpec spec) throws IOException {
        this.file = file;
        this.zone = spec.zone();
        InputStream in = Files.newInputStream(file);
        if (file.getFileName().toString().endsWith(".gz")) {
            in = new GZIPInputStream(in, 1 << 16);
        }
        this.reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8), 1 << 16);
        String header = reader.readLine();
        if (header == null) {
            reader.close();
            throw new InputException("CSV file \"" + file + "\" is empty; expected a header row");
        }
        Map<String, Integer> columns = new HashMap<>();
        String[] names = split(header);
        for (int i = 0; i < names.length; i++) {
            columns.put(names[i].trim(), i);
        }
        List<String> missing = new ArrayList<>();
        this.instanceAt = columns.getOrDefault(spec.instanceColumn(), -1);
        this.timestampAt = columns.getOrDefault(spec.timestampColumn(), -1);
        if (instanceAt < 0) {
            missing.add(spec.instanceColumn());
        }
        if (timestampAt < 0) {
            missing.add(spec.timestampColumn());
        }
        this.metrics = spec.metricNames();
        this.metricAt = new int[metrics.size()];
        for (int i = 0; i < metrics.size(); i++) {
            MetricSpec m = spec.metrics().get(i);
            metricAt[i] = columns.getOrDefault(m.name(), -1);
            if (metricAt[i] < 0 && m.required()) {
                missing.add(m.name());
            }
        }
        if (!missing.isEmpty()) {
            reader.close();
            throw new InputException("CSV file \"" + file + "\" lacks the columns " + missing + " (it has "
                    + List.of(names) + ")");
        }
        this.frame = new MetricFrame(metrics, CHUNK);
    }

    /**
     * @param file the CSV file
     * @param spec the spec whose columns to read
     * @return the source (close it)
     * @throws IOException when the file cannot be opened
     * @throws InputException when a required column is missing
     */
    public static CsvMetrics open(Path file, FeatureSpec spec) throws IOException {
        return new CsvMetrics(file, spec);
    }

    @Override
    public List<String> metrics() {
        return metrics;
    }

    @Override
    public MetricFrame next() throws IOException {
        frame.clear();
        String text;
        while (frame.rows() < CHUNK && (text = reader.readLine()) != null) {
            line++;
            if (text.isEmpty()) {
                continue;
            }
            String[] cells = split(text);
            int row = frame.appendRow(cell(cells, instanceAt), parseTimestamp(cell(cells, timestampAt), zone, file, line));
            for (int m = 0; m < metricAt.length; m++) {
                String c = metricAt[m] < 0 ? "" : cell(cells, metricAt[m]);
                if (!c.isEmpty()) {
                    try {
                        frame.set(row, m, Double.parseDouble(c));
                    } catch (NumberFormatException e) {
                        throw new InputException("Line " + line + " of \"" + file + "\": column \"" + metrics.get(m)
                                + "\" is not a number: \"" + c + "\"");
                    }
                }
            }
        }
        return frame.rows() == 0 ? null : frame;
    }

    /**
     * Parses a timestamp cell.
     *
     * @param text epoch milliseconds, an ISO-8601 instant or offset date-time, or a local date-time
     * @param zone the zone local date-times are in
     * @param file for the error message
     * @param line for the error message
     * @return epoch milliseconds
     * @throws InputException when the text is none of those
     */
    public static long parseTimestamp(String text, ZoneId zone, Path file, long line) {
        String t = text.trim();
        if (!t.isEmpty() && (Character.isDigit(t.charAt(0)) || t.charAt(0) == '-') && t.chars().allMatch(c -> c == '-' || Character.isDigit(c))
                && t.indexOf('-', 1) < 0) {
            return Long.parseLong(t);
        }
        try {
            if (t.endsWith("Z") || t.matches(".*[+-]\\d\\d:\\d\\d$")) {
                return OffsetDateTime.parse(t.replace(' ', 'T')).toInstant().toEpochMilli();
            }
            return LocalDateTime.parse(t.replace(' ', 'T')).atZone(zone).toInstant().toEpochMilli();
        } catch (DateTimeParseException e) {
            throw new InputException("Line " + line + " of \"" + file + "\": timestamp \"" + text
                    + "\" is not epoch milliseconds, an ISO-8601 instant or a date-time like 2014-02-14 14:30:00");
        }
    }

    private static String cell(String[] cells, int at) {
        return at < cells.length ? cells[at] : "";
    }

    /** Splits one CSV line; double quotes protect commas, and a doubled quote is a quote. */
    static String[] split(String line) {
        if (line.indexOf('"') < 0) {
            return line.split(",", -1);
        }
        List<String> cells = new ArrayList<>();
        StringBuilder cell = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (quoted) {
                if (c == '"' && i + 1 < line.length() && line.charAt(i + 1) == '"') {
                    cell.append('"');
                    i++;
                } else if (c == '"') {
                    quoted = false;
                } else {
                    cell.append(c);
                }
            } else if (c == '"') {
                quoted = true;
            } else if (c == ',') {
                cells.add(cell.toString());
                cell.setLength(0);
            } else {
                cell.append(c);
            }
        }
        cells.add(cell.toString());
        return cells.toArray(new String[0]);
    }

    /** @return an instant for messages */
    static Instant instant(long millis) {
        return Instant.ofEpochMilli(millis);
    }

    @Override
    public void close() throws IOException {
        reader.close();
    }
}
