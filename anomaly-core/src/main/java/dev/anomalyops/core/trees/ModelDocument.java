package dev.anomalyops.core.trees;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import dev.anomalyops.core.ModelLoadException;
import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A parsed model file as a plain tree: objects are {@code Map<String, Object>}, arrays of numbers are
 * {@code double[]} (every float32 and int32 of a model is exact in a double), other arrays are
 * {@code List<Object>}, and scalars are {@code String}, {@code Double}, {@code Boolean} or {@code null}.
 * XGBoost's JSON and UBJ encodings parse to the same tree, so one reader serves both.
 */
final class ModelDocument {
    private static final int MAX_DEPTH = 64;
    private static final long MAX_ARRAY = 1L << 28;

    private ModelDocument() {}

    /**
     * @param file a JSON file
     * @return its tree
     */
    static Map<String, Object> readJson(Path file) {
        // XGBoost writes NaN and Infinity as bare tokens (e.g. the split_conditions of categorical splits).
        JsonFactory factory = JsonFactory.builder()
                .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
                .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(MAX_DEPTH)
                        .maxStringLength(1 << 26).maxNumberLength(400).build())
                .build();
        try (InputStream in = Files.newInputStream(file); JsonParser parser = factory.createParser(in)) {
            JsonToken first = parser.nextToken();
            if (first != JsonToken.START_OBJECT) {
                throw new ModelLoadException("Model file " + file + " is not a JSON object");
            }
            Object value = readJsonValue(parser, first);
            if (parser.nextToken() != null) {
                throw new ModelLoadException("Model file " + file + " has content after its JSON object");
            }
            return asObject(value, file);
        } catch (IOException e) {
            throw new ModelLoadException("Model file " + file + " is not valid JSON (truncated?): "
                    + firstLine(e.getMessage()), e);
        }
    }

    private static Object readJsonValue(JsonParser parser, JsonToken token) throws IOException {
        switch (token) {
            case START_OBJECT: {
                Map<String, Object> map = new LinkedHashMap<>();
                JsonToken t;
                while ((t = parser.nextToken()) == JsonToken.FIELD_NAME) {
                    String name = parser.currentName();
                    map.put(name, readJsonValue(parser, parser.nextToken()));
                }
                if (t != JsonToken.END_OBJECT) {
                    throw new IOException("unterminated object");
                }
                return map;
            }
            case START_ARRAY: {
                double[] numbers = new double[16];
                int count = 0;
                List<Object> others = null;
                JsonToken t;
                while ((t = parser.nextToken()) != JsonToken.END_ARRAY) {
                    if (t == null) {
                        throw new IOException("unterminated array");
                    }
                    if (others == null && (t == JsonToken.VALUE_NUMBER_INT || t == JsonToken.VALUE_NUMBER_FLOAT)) {
                        if (count == numbers.length) {
                            numbers = Arrays.copyOf(numbers, count * 2);
                        }
                        numbers[count++] = number(parser, t);
                        continue;
                    }
                    if (others == null) {
                        others = new ArrayList<>(count + 4);
                        for (int i = 0; i < count; i++) {
                            others.add(numbers[i]);
                        }
                    }
                    others.add(readJsonValue(parser, t));
                }
                return others != null ? others : Arrays.copyOf(numbers, count);
            }
            case VALUE_STRING:
                return parser.getText();
            case VALUE_NUMBER_INT:
            case VALUE_NUMBER_FLOAT:
                return number(parser, token);
            case VALUE_TRUE:
                return Boolean.TRUE;
            case VALUE_FALSE:
                return Boolean.FALSE;
            case VALUE_NULL:
                return null;
            default:
                throw new IOException("unexpected token " + token);
        }
    }

    private static double number(JsonParser parser, JsonToken token) throws IOException {
        // XGBoost prints float32 values with up to 9 significant digits; parsing to double and rounding to
        // float gives back the exact float (the decimal is far from any float rounding midpoint).
        return token == JsonToken.VALUE_NUMBER_INT ? parser.getLongValue() : parser.getDoubleValue();
    }

    /**
     * Reads Universal Binary JSON (https://ubjson.org), the encoding of XGBoost's {@code .ubj} models,
     * including the optimised typed and counted containers XGBoost writes for its arrays.
     *
     * @param file a UBJ file
     * @return its tree
     */
    static Map<String, Object> readUbj(Path file) {
        try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(file), 1 << 16))) {
            int marker = in.readUnsignedByte();
            if (marker != '{') {
                throw new ModelLoadException("Model file " + file + " is not a UBJSON object (first byte 0x"
                        + Integer.toHexString(marker) + ")");
            }
            Object value = new UbjReader(in).value(marker, 0);
            if (in.read() >= 0) {
                throw new ModelLoadException("Model file " + file + " has content after its UBJSON object");
            }
            return asObject(value, file);
        } catch (EOFException e) {
            throw new ModelLoadException("Model file " + file + " ends in the middle of its UBJSON content (truncated)", e);
        } catch (IOException e) {
            throw new ModelLoadException("Model file " + file + " is not valid UBJSON: " + e.getMessage(), e);
        }
    }

    private static final class UbjReader {
        private final DataInputStream in;

        UbjReader(DataInputStream in) {
            this.in = in;
        }

        Object value(int marker, int depth) throws IOException {
            if (depth > MAX_DEPTH) {
                throw new IOException("nesting deeper than " + MAX_DEPTH);
            }
            switch (marker) {
                case 'Z':
                    return null;
                case 'T':
                    return Boolean.TRUE;
                case 'F':
                    return Boolean.FALSE;
                case 'i':
                case 'U':
                case 'I':
                case 'l':
                case 'L':
                case 'd':
                case 'D':
                    return scalar(marker);
                case 'C':
                    return String.valueOf((char) in.readUnsignedByte());
                case 'S':
                case 'H':
                    return string();
                case '[':
                    return array(depth);
                case '{':
                    return object(depth);
                default:
                    throw new IOException("unknown UBJSON marker 0x" + Integer.toHexString(marker));
            }
        }

        private double scalar(int marker) throws IOException {
            switch (marker) {
                case 'i':
                    return in.readByte();
                case 'U':
                    return in.readUnsignedByte();
                case 'I':
                    return in.readShort();
                case 'l':
                    return in.readInt();
                case 'L':
                    return in.readLong();
                case 'd':
                    return in.readFloat();
                case 'D':
                    return in.readDouble();
                default:
                    throw new IOException("marker 0x" + Integer.toHexString(marker) + " is not a number");
            }
        }

        private long length() throws IOException {
            int marker = in.readUnsignedByte();
            if (marker == 'N') {
                return length();
            }
            long length = (long) scalar(marker);
            if (length < 0 || length > MAX_ARRAY) {
                throw new IOException("invalid length " + length);
            }
            return length;
        }

        private String string() throws IOException {
            int length = (int) length();
            byte[] bytes = new byte[length];
            in.readFully(bytes);
            return new String(bytes, StandardCharsets.UTF_8);
        }

        private Object array(int depth) throws IOException {
            int marker = in.readUnsignedByte();
            int type = -1;
            long count = -1;
            if (marker == '$') {
                type = in.readUnsignedByte();
                marker = in.readUnsignedByte();
                if (marker != '#') {
                    throw new IOException("a typed array must give its count");
                }
            }
            if (marker == '#') {
                count = length();
                if (type >= 0 && isNumeric(type)) {
                    double[] numbers = new double[(int) count];
                    for (int i = 0; i < count; i++) {
                        numbers[i] = scalar(type);
                    }
                    return numbers;
                }
                List<Object> items = new ArrayList<>((int) Math.min(count, 1 << 16));
                for (long i = 0; i < count; i++) {
                    items.add(value(type >= 0 ? type : in.readUnsignedByte(), depth + 1));
                }
                return simplify(items);
            }
            List<Object> items = new ArrayList<>();
            while (marker != ']') {
                if (marker != 'N') {
                    items.add(value(marker, depth + 1));
                }
                marker = in.readUnsignedByte();
            }
            return simplify(items);
        }

        private Map<String, Object> object(int depth) throws IOException {
            Map<String, Object> map = new LinkedHashMap<>();
            int marker = in.readUnsignedByte();
            int type = -1;
            if (marker == '$') {
                type = in.readUnsignedByte();
                marker = in.readUnsignedByte();
                if (marker != '#') {
                    throw new IOException("a typed object must give its count");
                }
            }
            if (marker == '#') {
                long count = length();
                for (long i = 0; i < count; i++) {
                    String key = string();
                    map.put(key, value(type >= 0 ? type : in.readUnsignedByte(), depth + 1));
                }
                return map;
            }
            while (marker != '}') {
                if (marker == 'N') {
                    marker = in.readUnsignedByte();
                    continue;
                }
                // The marker byte we read is the first byte of the key's length (its integer type marker).
                long length = (long) scalar(marker);
                if (length < 0 || length > MAX_ARRAY) {
                    throw new IOException("invalid key length " + length);
                }
                byte[] key = new byte[(int) length];
                in.readFully(key);
                map.put(new String(key, StandardCharsets.UTF_8), value(in.readUnsignedByte(), depth + 1));
                marker = in.readUnsignedByte();
            }
            return map;
        }

        private static boolean isNumeric(int type) {
            return type == 'i' || type == 'U' || type == 'I' || type == 'l' || type == 'L' || type == 'd' || type == 'D';
        }

        private static Object simplify(List<Object> items) {
            double[] numbers = new double[items.size()];
            for (int i = 0; i < numbers.length; i++) {
                Object item = items.get(i);
                if (item instanceof Double d) {
                    numbers[i] = d;
                } else if (item instanceof Boolean b) {
                    numbers[i] = b ? 1 : 0;
                } else {
                    return items;
                }
            }
            return numbers;
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> asObject(Object value, Path file) {
        if (!(value instanceof Map)) {
            throw new ModelLoadException("Model file " + file + " does not hold an object at its top level");
        }
        return (Map<String, Object>) value;
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "";
        }
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }
}
