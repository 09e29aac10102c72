package dev.anomalyops.rag.internal;

import java.io.BufferedReader;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * An RFC 4180 reader: comma-separated, fields optionally in double quotes, doubled quotes inside quoted
 * fields, line breaks allowed inside quoted fields, CRLF or LF line ends. Each record remembers the line
 * it started on so that rejected rows can be reported by line.
 */
public final class Csv {
    private final BufferedReader reader;
    private int line;

    /** A parsed record. */
    public record Row(int line, List<String> fields) {}

    /**
     * @param reader the text to read; closed by the caller
     */
    public Csv(BufferedReader reader) {
        this.reader = reader;
    }

    /**
     * @return the next record, or null at the end of input
     * @throws IOException on read failure
     * @throws IllegalArgumentException when a quoted field is not closed before the end of input
     */
    public @Nullable Row next() throws IOException {
        String first = reader.readLine();
        if (first == null) {
            return null;
        }
        line++;
        int startLine = line;
        List<String> fields = new ArrayList<>();
        StringBuilder field = new StringBuilder();
        String current = first;
        int i = 0;
        boolean quoted = false;
        boolean wasQuoted = false;
        while (true) {
            if (i >= current.length()) {
                if (quoted) {
                    String more = reader.readLine();
                    if (more == null) {
                        throw new IllegalArgumentException("CSV record starting on line " + startLine
                                + " has an unclosed quoted field");
                    }
                    line++;
                    field.append('\n');
                    current = more;
                    i = 0;
                    continue;
                }
                fields.add(field.toString());
                return new Row(startLine, fields);
            }
            char c = current.charAt(i++);
            if (quoted) {
                if (c == '"') {
                    if (i < current.length() && current.charAt(i) == '"') {
                        field.append('"');
                        i++;
                    } else {
                        quoted = false;
                    }
                } else {
                    field.append(c);
                }
            } else if (c == '"' && field.length() == 0 && !wasQuoted) {
                quoted = true;
                wasQuoted = true;
            } else if (c == ',') {
                fields.add(field.toString());
                field.setLength(0);
                wasQuoted = false;
            } else if (c == '\r' && i == current.length()) {
                // CRLF line end read by readLine on some inputs: drop the CR
                continue;
            } else {
                field.append(c);
            }
        }
    }

    /**
     * Quotes a field for writing when it needs it.
     *
     * @param field a value
     * @return the value as a CSV field
     */
    public static String quote(String field) {
        if (field.indexOf(',') < 0 && field.indexOf('"') < 0 && field.indexOf('\n') < 0 && field.indexOf('\r') < 0) {
            return field;
        }
        return '"' + field.replace("\"", "\"\"") + '"';
    }
}
