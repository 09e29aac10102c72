package dev.anomalyops.benchmarks.logs;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** A small RFC 4180 CSV reader (quoted fields, doubled quotes, line breaks inside quotes, CRLF or LF). */
public final class Rfc4180 {
    private final List<String> header;
    private final Map<String, Integer> columns;
    private final List<List<String>> rows;

    private Rfc4180(List<List<String>> records, Path file) {
        if (records.isEmpty()) {
            throw new IllegalArgumentException("CSV file \"" + file + "\" is empty; expected a header row");
        }
        this.header = records.get(0);
        this.columns = new HashMap<>();
        for (int i = 0; i < header.size(); i++) {
            columns.put(header.get(i), i);
        }
        this.rows = records.subList(1, records.size());
    }

    /**
     * @param file a UTF-8 CSV file with a header row
     * @return its rows
     * @throws IOException when it cannot be read
     */
    public static Rfc4180 read(Path file) throws IOException {
        try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            return new Rfc4180(parse(in), file);
        }
    }

    static List<List<String>> parse(Reader in) throws IOException {
        List<List<String>> records = new ArrayList<>();
        List<String> record = new ArrayList<>();
        StringBuilder field = new StringBuilder();
        boolean quoted = false;
        boolean any = false;
        int c = in.read();
        while (c >= 0) {
            char ch = (char) c;
            if (quoted) {
                if (ch == '"') {
                    int next = in.read();
                    if (next == '"') {
                        field.append('"');
                    } else {
                        quoted = false;
                        c = next;
                        continue;
                    }
                } else {
                    field.append(ch);
                }
            } else if (ch == '"') {
                quoted = true;
                any = true;
            } else if (ch == ',') {
                record.add(field.toString());
                field.setLength(0);
                any = true;
            } else if (ch == '\r' || ch == '\n') {
                if (any || field.length() > 0 || !record.isEmpty()) {
                    record.add(field.toString());
                    records.add(record);
                    record = new ArrayList<>();
                    field.setLength(0);
                    any = false;
                }
                if (ch == '\r') {
                    int next = in.read();
                    if (next != '\n') {
                        c = next;
                        continue;
                    }
                }
            } else {
                field.append(ch);
                any = true;
            }
            c = in.read();
        }
        if (any || field.length() > 0 || !record.isEmpty()) {
            record.add(field.toString());
            records.add(record);
        }
        return records;
    }

    /** @return the header names */
    public List<String> header() {
        return header;
    }

    /** @return the data rows */
    public int size() {
        return rows.size();
    }

    /**
     * @param row a data row index
     * @param column a header name
     * @return the value
     * @throws IllegalArgumentException when the column does not exist
     */
    public String get(int row, String column) {
        Integer index = columns.get(column);
        if (index == null) {
            throw new IllegalArgumentException("CSV has no column \"" + column + "\" (it has " + header + ")");
        }
        List<String> values = rows.get(row);
        return index < values.size() ? values.get(index) : "";
    }

    /**
     * @param column a header name
     * @return whether the file has it
     */
    public boolean has(String column) {
        return columns.containsKey(column);
    }
}
