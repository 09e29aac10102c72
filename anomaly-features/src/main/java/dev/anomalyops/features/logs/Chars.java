package dev.anomalyops.features.logs;

/** Character helpers shared by the parsers. */
final class Chars {
    private Chars() {}

    /**
     * Whitespace as Python's {@code str.strip()} and {@code str.split()} see it: Loghub's reference parser strips
     * lines that way before matching, and formats written for it must behave the same here.
     */
    static boolean isSpace(char c) {
        if (c <= ' ') {
            return c == ' ' || (c >= '\t' && c <= '\r') || (c >= '\u001c' && c <= '\u001f');
        }
        return c > 127 && (c == '\u0085' || c == '\u00a0' || c == '\u2007' || c == '\u202f'
                || Character.isWhitespace(c));
    }

    /** @return the text without leading and trailing whitespace (Python's rule) */
    static String strip(String text) {
        int start = 0;
        int end = text.length();
        while (start < end && isSpace(text.charAt(start))) {
            start++;
        }
        while (end > start && isSpace(text.charAt(end - 1))) {
            end--;
        }
        return start == 0 && end == text.length() ? text : text.substring(start, end);
    }

    /** @return the text shortened to {@code max} characters, with an ellipsis, for error messages */
    static String abbreviate(String text, int max) {
        return text.length() <= max ? text : text.substring(0, max) + "...";
    }
}
