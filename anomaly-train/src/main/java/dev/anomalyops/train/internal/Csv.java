package dev.anomalyops.train.internal;

import java.io.IOException;
import java.io.Reader;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * RFC 4180 CSV: a streaming record reader (quoted fields may hold commas, quotes and line breaks; CRLF and
 * LF both end records) and field quoting for writers. Not thread-safe.
 */
public final class Csv {
    private final Reader reader;
    private final char[] buffer = new char[1 << 16];
    private int position;
    private int limit;
    private long line = 1;
    private final StringBuilder field = new StringBuilder();

    /** @param reader the text to parse; the caller closes it */
    public Csv(Reader reader) {
        this.reader = reader;
    }

    /** @return the 1-based line number where the next record starts */
    public long line() {
        return line;
    }

    /**
     * @return the next record's fields, or null at the end of the input; a blank line is an empty list
     * @throws IOException when reading fails or a quoted field is not closed
     */
    public @Nullable List<String> next() throws IOException {
        int c = read();
        if (c < 0) {
            return null;
        }
        List<String> fields = new ArrayList<>();
        if (c == '\n' || c == '\r') {
            endOfLine(c);
            return fields;
        }
        long startLine = line;
        while (true) {
            field.setLength(0);
            if (c == '"') {
                while (true) {
                    c = read();
                    if (c < 0) {
                        throw new IOException("Quoted field opened on line " + startLine + " is never closed");
                    }
                    if (c == '"') {
                        c = read();
                        if (c == '"') {
                            field.append('"');
                            continue;
                        }
                        break;
                    }
                    if (c == '\n') {
                        line++;
                    }
                    field.append((char) c);
                }
                // After the closing quote only a separator or the end of the record may follow.
                while (c == ' ' || c == '\t') {
                    c = read();
                }
                if (c >= 0 && c != ',' && c != '\n' && c != '\r') {
                    throw new IOException("Line " + line + ": unexpected character '" + (char) c
                            + "' after a closing quote (expected a comma or the end of the line)");
                }
            } else {
                while (c >= 0 && c != ',' && c != '\n' && c != '\r') {
                    field.append((char) c);
                    c = read();
                }
            }
            fields.add(field.toString());
            if (c == ',') {
                c = read();
                if (c < 0 || c == '\n' || c == '\r') {
                    fields.add("");
                    endOfLine(c);
                    return fields;
                }
                continue;
            }
            endOfLine(c);
            return fields;
        }
    }

    private void endOfLine(int c) throws IOException {
        if (c == '\r') {
            int next = peek();
            if (next == '\n') {
                read();
            }
        }
        if (c == '\n' || c == '\r') {
            line++;
        }
    }

    private int read() throws IOException {
        if (position == limit && !fill()) {
            return -1;
        }
        return buffer[position++];
    }

    private int peek() throws IOException {
        if (position == limit && !fill()) {
            return -1;
        }
        return buffer[position];
    }

    private boolean fill() throws IOException {
        int n = reader.read(buffer, 0, buffer.length);
        if (n <= 0) {
            return false;
        }
        position = 0;
        limit = n;
        return true;
    }

    /**
     * @param value a field value
     * @return the value, quoted when it holds a comma, a quote, a line break or outer spaces
     */
    public static String quote(String value) {
        boolean needs = !value.isEmpty() && (value.charAt(0) == ' ' || value.charAt(value.length() - 1) == ' ');
        for (int i = 0; i < value.length() && !needs; i++) {
            char c = value.charAt(i);
            needs = c == ',' || c == '"' || c == '\n' || c == '\r';
        }
        return needs ? '"' + value.replace("\"", "\"\"") + '"' : value;
    }

    /**
     * @param fields field values
     * @return one CSV record without the line end
     */
    public static String record(List<String> fields) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < fields.size(); i++) {
            if (i > 0) {
                out.append(',');
            }
            out.append(quote(fields.get(i)));
        }
        return out.toString();
    }
}
