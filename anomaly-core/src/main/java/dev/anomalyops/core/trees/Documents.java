package dev.anomalyops.core.trees;

import dev.anomalyops.core.ModelLoadException;
import java.util.List;
import java.util.Map;

/** Typed access to a {@link ModelDocument} tree, failing with the path of the missing or malformed field. */
final class Documents {
    private final String file;

    Documents(String file) {
        this.file = file;
    }

    @SuppressWarnings("unchecked")
    Map<String, Object> object(Map<String, Object> parent, String key, String path) {
        Object value = parent.get(key);
        if (!(value instanceof Map)) {
            throw invalid(path + "." + key, "an object", value);
        }
        return (Map<String, Object>) value;
    }

    @SuppressWarnings("unchecked")
    Map<String, Object> optionalObject(Map<String, Object> parent, String key) {
        Object value = parent.get(key);
        return value instanceof Map ? (Map<String, Object>) value : Map.of();
    }

    @SuppressWarnings("unchecked")
    List<Object> list(Map<String, Object> parent, String key, String path) {
        Object value = parent.get(key);
        if (value instanceof double[] numbers && numbers.length == 0) {
            return List.of();
        }
        if (!(value instanceof List)) {
            throw invalid(path + "." + key, "an array", value);
        }
        return (List<Object>) value;
    }

    double[] numbers(Map<String, Object> parent, String key, String path) {
        Object value = parent.get(key);
        return numbers(value, path + "." + key);
    }

    double[] optionalNumbers(Map<String, Object> parent, String key, String path) {
        Object value = parent.get(key);
        return value == null ? new double[0] : numbers(value, path + "." + key);
    }

    double[] numbers(Object value, String path) {
        if (value instanceof double[] numbers) {
            return numbers;
        }
        if (value instanceof List<?> list) {
            double[] numbers = new double[list.size()];
            for (int i = 0; i < numbers.length; i++) {
                Object item = list.get(i);
                if (item instanceof Double d) {
                    numbers[i] = d;
                } else if (item instanceof Boolean b) {
                    numbers[i] = b ? 1 : 0;
                } else if (item instanceof String text && text.matches("NaN|[+-]?Infinity")) {
                    // Some JSON writers quote non-finite numbers.
                    numbers[i] = Double.parseDouble(text);
                } else {
                    throw invalid(path + "[" + i + "]", "a number", item);
                }
            }
            return numbers;
        }
        throw invalid(path, "an array of numbers", value);
    }

    double number(Object value, String path) {
        if (value instanceof Double number) {
            return number;
        }
        if (value instanceof double[] numbers && numbers.length == 1) {
            return numbers[0];
        }
        throw invalid(path, "a number", value);
    }

    String text(Map<String, Object> parent, String key, String path) {
        Object value = parent.get(key);
        if (value instanceof String s) {
            return s;
        }
        if (value instanceof Double d) {
            return d == Math.rint(d) ? Long.toString(d.longValue()) : d.toString();
        }
        throw invalid(path + "." + key, "a string", value);
    }

    String optionalText(Map<String, Object> parent, String key, String fallback) {
        Object value = parent.get(key);
        if (value instanceof String s) {
            return s;
        }
        if (value instanceof Double d) {
            return d == Math.rint(d) ? Long.toString(d.longValue()) : d.toString();
        }
        return fallback;
    }

    int integer(Map<String, Object> parent, String key, String path) {
        String text = text(parent, key, path);
        try {
            return Integer.parseInt(text.trim());
        } catch (NumberFormatException e) {
            throw invalid(path + "." + key, "an integer", text);
        }
    }

    ModelLoadException invalid(String path, String expected, Object actual) {
        String shown = actual == null ? "nothing"
                : actual instanceof String s ? "\"" + (s.length() > 40 ? s.substring(0, 40) + "…" : s) + "\""
                : actual instanceof Map ? "an object"
                : actual instanceof List || actual instanceof double[] ? "an array"
                : actual.toString();
        return new ModelLoadException("Model file " + file + ": field \"" + path + "\" should be " + expected
                + " but is " + shown);
    }

    ModelLoadException unsupported(String what) {
        return new ModelLoadException("Model file " + file + ": " + what);
    }
}
