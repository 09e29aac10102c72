package dev.anomalyops.features.logs.templates;

import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Splits a message on whitespace and masks each token as {@link Masking} describes. Hand-written scanners
 * instead of regular expressions, because this runs once per log line on the hot path; each scanner
 * implements one regular expression of the reference design exactly (leftmost match, alternatives in order,
 * look-behind and look-ahead on the original characters), and its comment gives that expression.
 *
 * <p>Stateless apart from its configuration: thread-safe.
 */
final class Tokenizer {
    static final String WILDCARD = "<*>";
    private static final String[] NO_TOKENS = new String[0];

    /** Month and weekday names, lower case, as full words and three-letter abbreviations. */
    private static final List<String> DATE_WORDS = List.of("mon", "tue", "wed", "thu", "fri", "sat", "sun", "jan", "feb",
            "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec", "monday", "tuesday", "wednesday",
            "thursday", "friday", "saturday", "sunday", "january", "february", "march", "april", "june", "july",
            "august", "september", "october", "november", "december");

    /** Tokens longer than this are variables whatever they contain (encoded blobs, dumps). */
    static final int MAX_TOKEN_LENGTH = 1024;

    /** Size and duration units that follow a number as their own token. */
    private static final Set<String> UNITS = Set.of("B", "KB", "MB", "GB", "TB", "PB", "KiB", "MiB", "GiB", "TiB",
            "ms", "us", "ns", "\u00b5s", "s", "sec", "secs");

    private final Masking masking;
    private final Pattern[] rules;

    Tokenizer(Masking masking) {
        this.masking = masking;
        this.rules = masking.rules().toArray(new Pattern[0]);
    }

    Masking masking() {
        return masking;
    }

    /**
     * @param content a message (one line; other whitespace is a separator like a space)
     * @return its masked tokens, never null; empty for a blank message
     */
    String[] tokenize(CharSequence content) {
        CharSequence text = content;
        for (Pattern rule : rules) {
            Matcher matcher = rule.matcher(text);
            if (matcher.find()) {
                text = matcher.replaceAll(WILDCARD);
            }
        }
        int length = text.length();
        char[] chars = new char[length];
        String string = text instanceof String whole ? whole : null;
        if (string != null) {
            string.getChars(0, length, chars, 0);
        } else {
            for (int i = 0; i < length; i++) {
                chars[i] = text.charAt(i);
            }
        }
        int count = 0;
        boolean inToken = false;
        for (int i = 0; i < length; i++) {
            boolean space = isSpace(chars[i]);
            if (!space && !inToken) {
                count++;
            }
            inToken = !space;
        }
        if (count == 0) {
            return NO_TOKENS;
        }
        String[] tokens = new String[count];
        Buffers buffers = null;
        boolean dateCandidates = false;
        int index = 0;
        int i = 0;
        while (i < length) {
            while (i < length && isSpace(chars[i])) {
                i++;
            }
            if (i >= length) {
                break;
            }
            int start = i;
            boolean digit = false;
            int slashes = 0;
            boolean backslash = false;
            boolean underscore = false;
            while (i < length) {
                char c = chars[i];
                if (isSpace(c)) {
                    break;
                }
                if (c >= '0' && c <= '9') {
                    digit = true;
                } else if (c == '/') {
                    slashes++;
                } else if (c == '\\') {
                    backslash = true;
                } else if (c == '_') {
                    underscore = true;
                }
                i++;
            }
            if (i - start > MAX_TOKEN_LENGTH) {
                tokens[index++] = WILDCARD;
                continue;
            }
            // A path needs two slashes (a URL's "://" included) or a backslash; without digits nothing else can
            // be masked either.
            boolean paths = slashes >= 2 || backslash;
            if (!digit && !paths) {
                tokens[index++] = string != null ? string.substring(start, i) : new String(chars, start, i - start);
                dateCandidates |= isDateWord(chars, start, i);
                continue;
            }
            if (digit && masking.numbers() && isPlainNumber(chars, start, i)) {
                tokens[index++] = WILDCARD;
                continue;
            }
            if (digit && underscore && masking.identifiers() && isWholeIdentifier(chars, start, i)) {
                tokens[index++] = WILDCARD;
                continue;
            }
            if (buffers == null) {
                buffers = BUFFERS.get();
            }
            tokens[index++] = maskToken(chars, start, i, digit, paths, underscore, buffers);
        }
        if (masking.units()) {
            maskUnits(tokens);
        }
        if (masking.dates() && dateCandidates) {
            maskDates(tokens);
        }
        return tokens;
    }

    /** Whitespace as Python's {@code str.split()} sees it (the reference design splits that way). */
    static boolean isSpace(char c) {
        if (c <= ' ') {
            return c == ' ' || (c >= '\t' && c <= '\r') || (c >= '\u001c' && c <= '\u001f');
        }
        return c > 127 && (c == '\u0085' || c == '\u00a0' || c == '\u2007' || c == '\u202f'
                || Character.isWhitespace(c));
    }

    /** Scratch space per thread, so that masking allocates nothing but the resulting token. */
    private static final ThreadLocal<Buffers> BUFFERS = ThreadLocal.withInitial(Buffers::new);

    /** Two scratch arrays that the masking passes write into alternately. */
    private static final class Buffers {
        char[] a = new char[64];
        char[] b = new char[64];

        char[] ensure(char[] buffer, int capacity) {
            return buffer.length >= capacity ? buffer : new char[Math.max(capacity, buffer.length * 2)];
        }
    }

    private String maskToken(char[] chars, int start, int end, boolean digit, boolean paths, boolean underscore,
            Buffers buffers) {
        char[] current = chars;
        int from = start;
        int length = end - start;
        if (paths && masking.paths()) {
            buffers.a = buffers.ensure(buffers.a, length + WILDCARD.length());
            int written = maskPaths(current, from, length, buffers.a);
            if (written >= 0) {
                current = buffers.a;
                from = 0;
                length = written;
                char[] swap = buffers.a;
                buffers.a = buffers.b;
                buffers.b = swap;
            }
        }
        if (digit && underscore && masking.identifiers()) {
            buffers.a = buffers.ensure(buffers.a, length + WILDCARD.length());
            int written = maskIdentifiers(current, from, length, buffers.a);
            if (written >= 0) {
                current = buffers.a;
                from = 0;
                length = written;
                char[] swap = buffers.a;
                buffers.a = buffers.b;
                buffers.b = swap;
            }
        }
        if (digit && (masking.numbers() || masking.hexIds())) {
            buffers.a = buffers.ensure(buffers.a, length * 3 + WILDCARD.length());
            int written = maskNumbers(current, from, length, buffers.a);
            if (written >= 0) {
                current = buffers.a;
                from = 0;
                length = written;
            }
        }
        return new String(current, from, length);
    }

    /** Appends the wildcard to {@code out} at {@code at}; returns the new length. */
    private static int appendWildcard(char[] out, int at) {
        out[at] = '<';
        out[at + 1] = '*';
        out[at + 2] = '>';
        return at + 3;
    }

    // ---- paths: [A-Za-z][A-Za-z0-9+.-]*://[^\s,;'"()\[\]{}<>]+
    //             | (?<![\w/])(?:~|\.{1,2})?(?:/[^\s/:,;'"()\[\]{}<>]+){2,}/?
    //             | (?<![\w])[A-Za-z]:\\[^\s,;'"()\[\]{}<>]*

    /** Writes the masked token to {@code out} and returns its length, or -1 when nothing matched. */
    private static int maskPaths(char[] t, int from, int n, char[] out) {
        int written = 0;
        int copied = 0;
        boolean changed = false;
        int i = 0;
        // A scheme run that is not followed by "://" fails for every later start inside it: skip those starts
        // so that the scan stays linear in the token length.
        int failedSchemeRunEnd = -1;
        while (i < n) {
            int end = -1;
            if (i >= failedSchemeRunEnd) {
                end = matchUrl(t, from, n, i);
                if (end < 0 && isAsciiLetter(t[from + i])) {
                    failedSchemeRunEnd = schemeRunEnd(t, from, n, i);
                }
            }
            if (end < 0) {
                end = matchUnixPath(t, from, n, i);
            }
            if (end < 0) {
                end = matchWindowsPath(t, from, n, i);
            }
            if (end > i) {
                System.arraycopy(t, from + copied, out, written, i - copied);
                written = appendWildcard(out, written + i - copied);
                i = end;
                copied = end;
                changed = true;
            } else {
                i++;
            }
        }
        if (!changed) {
            return -1;
        }
        System.arraycopy(t, from + copied, out, written, n - copied);
        return written + n - copied;
    }

    private static int schemeRunEnd(char[] t, int from, int n, int i) {
        int j = i + 1;
        while (j < n && (isAsciiAlnum(t[from + j]) || t[from + j] == '+' || t[from + j] == '.' || t[from + j] == '-')) {
            j++;
        }
        return j;
    }

    private static int matchUrl(char[] t, int from, int n, int i) {
        if (!isAsciiLetter(t[from + i])) {
            return -1;
        }
        int j = i + 1;
        while (j < n && (isAsciiAlnum(t[from + j]) || t[from + j] == '+' || t[from + j] == '.' || t[from + j] == '-')) {
            j++;
        }
        if (j + 2 >= n || t[from + j] != ':' || t[from + j + 1] != '/' || t[from + j + 2] != '/') {
            return -1;
        }
        int k = j + 3;
        int m = k;
        while (m < n && !isStop(t[from + m])) {
            m++;
        }
        return m > k ? m : -1;
    }

    private static int matchUnixPath(char[] t, int from, int n, int i) {
        char c = t[from + i];
        if ((c != '/' && c != '~' && c != '.') || (i > 0 && (isWordChar(t[from + i - 1]) || t[from + i - 1] == '/'))) {
            return -1;
        }
        int j;
        if (c == '~') {
            j = i + 1;
        } else if (c == '.') {
            j = i + 1 < n && t[from + i + 1] == '.' ? i + 2 : i + 1;
        } else if (c == '/') {
            j = i;
        } else {
            return -1;
        }
        int segments = 0;
        while (j + 1 < n && t[from + j] == '/' && isSegmentChar(t[from + j + 1])) {
            j += 2;
            while (j < n && isSegmentChar(t[from + j])) {
                j++;
            }
            segments++;
        }
        if (segments < 2) {
            return -1;
        }
        if (j < n && t[from + j] == '/') {
            j++;
        }
        return j;
    }

    private static int matchWindowsPath(char[] t, int from, int n, int i) {
        if (i + 2 >= n || t[from + i + 1] != ':' || t[from + i + 2] != '\\' || !isAsciiLetter(t[from + i])) {
            return -1;
        }
        if (i > 0 && isWordChar(t[from + i - 1])) {
            return -1;
        }
        int j = i + 3;
        while (j < n && !isStop(t[from + j])) {
            j++;
        }
        return j;
    }

    // ---- identifiers: (?<![\w])[A-Za-z][A-Za-z0-9]*_[\w\-]*\d[\w\-]*(?![\w])

    private static int maskIdentifiers(char[] t, int from, int n, char[] out) {
        int written = 0;
        int copied = 0;
        boolean changed = false;
        int i = 0;
        // When the run after an underscore has no digit, no later start inside that run can find one.
        int noDigitUntil = -1;
        while (i < n) {
            int end = i < noDigitUntil ? -1 : matchIdentifier(t, from, n, i);
            if (end < -1) {
                noDigitUntil = -end;
                end = -1;
            }
            if (end > i) {
                System.arraycopy(t, from + copied, out, written, i - copied);
                written = appendWildcard(out, written + i - copied);
                i = end;
                copied = end;
                changed = true;
            } else {
                i++;
            }
        }
        if (!changed) {
            return -1;
        }
        System.arraycopy(t, from + copied, out, written, n - copied);
        return written + n - copied;
    }

    private static int matchIdentifier(char[] t, int from, int n, int i) {
        if (!isAsciiLetter(t[from + i]) || (i > 0 && isWordChar(t[from + i - 1]))) {
            return -1;
        }
        int j = i + 1;
        while (j < n && isAsciiAlnum(t[from + j])) {
            j++;
        }
        if (j >= n || t[from + j] != '_') {
            return -1;
        }
        int k = j + 1;
        boolean digit = false;
        while (k < n && (isWordChar(t[from + k]) || t[from + k] == '-')) {
            digit |= isDigit(t[from + k]);
            k++;
        }
        return digit ? k : -Math.max(k, 2);
    }

    // ---- numbers and hex ids: (?<![A-Za-z0-9])(?:0[xX][0-9a-fA-F]+ | [<>~]?[-+]?[vV]?\d+(?:\.\d+)*
    //        | hex run with a digit and a letter (?:-[0-9a-fA-F]+)*)(?![A-Za-z0-9])

    private int maskNumbers(char[] t, int from, int n, char[] out) {
        boolean hex = masking.hexIds();
        boolean numbers = masking.numbers();
        int written = 0;
        int copied = 0;
        boolean changed = false;
        int i = 0;
        while (i < n) {
            int end = -1;
            char c = t[from + i];
            if ((i == 0 || !isAsciiAlnum(t[from + i - 1])) && (isAsciiAlnum(c) || c == '<' || c == '>' || c == '~'
                    || c == '-' || c == '+')) {
                if (hex) {
                    end = matchPrefixedHex(t, from, n, i);
                }
                if (end < 0 && numbers) {
                    end = matchDecimal(t, from, n, i);
                }
                if (end < 0 && hex) {
                    end = matchHexRun(t, from, n, i);
                }
            }
            if (end > i) {
                System.arraycopy(t, from + copied, out, written, i - copied);
                written = appendWildcard(out, written + i - copied);
                i = end;
                copied = end;
                changed = true;
            } else {
                i++;
            }
        }
        if (!changed) {
            return -1;
        }
        System.arraycopy(t, from + copied, out, written, n - copied);
        return written + n - copied;
    }

    private static boolean endsToken(char[] t, int from, int n, int end) {
        return end >= n || !isAsciiAlnum(t[from + end]);
    }

    private static int matchPrefixedHex(char[] t, int from, int n, int i) {
        if (i + 2 >= n || t[from + i] != '0' || (t[from + i + 1] != 'x' && t[from + i + 1] != 'X')
                || !isHex(t[from + i + 2])) {
            return -1;
        }
        int j = i + 2;
        while (j < n && isHex(t[from + j])) {
            j++;
        }
        return endsToken(t, from, n, j) ? j : -1;
    }

    private static int matchDecimal(char[] t, int from, int n, int i) {
        int j = i;
        char c = t[from + j];
        if (c == '<' || c == '>' || c == '~') {
            j++;
        }
        if (j < n && (t[from + j] == '-' || t[from + j] == '+')) {
            j++;
        }
        if (j < n && (t[from + j] == 'v' || t[from + j] == 'V')) {
            j++;
        }
        if (j >= n || !isDigit(t[from + j])) {
            return -1;
        }
        while (j < n && isDigit(t[from + j])) {
            j++;
        }
        int best = endsToken(t, from, n, j) ? j : -1;
        while (j + 1 < n && t[from + j] == '.' && isDigit(t[from + j + 1])) {
            j += 2;
            while (j < n && isDigit(t[from + j])) {
                j++;
            }
            if (endsToken(t, from, n, j)) {
                best = j;
            }
        }
        return best;
    }

    private static int matchHexRun(char[] t, int from, int n, int i) {
        int j = i;
        boolean digit = false;
        boolean letter = false;
        while (j < n && isHex(t[from + j])) {
            if (isDigit(t[from + j])) {
                digit = true;
            } else {
                letter = true;
            }
            j++;
        }
        if (!digit || !letter) {
            return -1;
        }
        int best = endsToken(t, from, n, j) ? j : -1;
        while (j + 1 < n && t[from + j] == '-' && isHex(t[from + j + 1])) {
            j += 2;
            while (j < n && isHex(t[from + j])) {
                j++;
            }
            if (endsToken(t, from, n, j)) {
                best = j;
            }
        }
        return best;
    }

    // ---- token-level rules

    private static void maskUnits(String[] tokens) {
        for (int i = 1; i < tokens.length; i++) {
            if (!tokens[i - 1].endsWith(WILDCARD)) {
                continue;
            }
            String token = tokens[i];
            int end = token.length();
            while (end > 0 && (token.charAt(end - 1) == ',' || token.charAt(end - 1) == ';' || token.charAt(end - 1) == ')')) {
                end--;
            }
            if (end > 0 && end <= 4 && "BKMGTPmuns\u00b5".indexOf(token.charAt(0)) >= 0
                    && UNITS.contains(token.substring(0, end))) {
                tokens[i] = end == token.length() ? WILDCARD : WILDCARD + token.substring(end);
            }
        }
    }

    private static void maskDates(String[] tokens) {
        int n = tokens.length;
        boolean[] date = null;
        for (int i = 0; i < n; i++) {
            if (isDateWord(tokens[i])) {
                if (date == null) {
                    date = new boolean[n];
                }
                date[i] = true;
            }
        }
        if (date == null) {
            return;
        }
        int i = 0;
        while (i < n) {
            if (!date[i] && !tokens[i].contains(WILDCARD)) {
                i++;
                continue;
            }
            int j = i;
            boolean masked = false;
            while (j < n && (date[j] || tokens[j].contains(WILDCARD))) {
                masked |= tokens[j].contains(WILDCARD);
                j++;
            }
            if (masked) {
                for (int k = i; k < j; k++) {
                    if (date[k]) {
                        tokens[k] = WILDCARD;
                    }
                }
            }
            i = j;
        }
    }

    /** Whether a date word starts with these three lower-case letters: a cheap first test per token. */
    private static final boolean[] DATE_PREFIXES = new boolean[26 * 26 * 26];

    static {
        for (String word : DATE_WORDS) {
            DATE_PREFIXES[(word.charAt(0) - 'a') * 676 + (word.charAt(1) - 'a') * 26 + (word.charAt(2) - 'a')] = true;
        }
    }

    private static int letterIndex(char c) {
        if (c >= 'a' && c <= 'z') {
            return c - 'a';
        }
        return c >= 'A' && c <= 'Z' ? c - 'A' : -1;
    }

    /** Packed lower-case date words, sorted, for a search without allocation. */
    private static final long[] DATE_KEYS = DATE_WORDS.stream().mapToLong(w -> pack(w, 0, w.length())).sorted().toArray();

    /** Packs up to nine ASCII letters, lower-cased, seven bits each; -1 for anything else. */
    private static long pack(CharSequence s, int start, int end) {
        long key = 0;
        for (int i = start; i < end; i++) {
            char c = s.charAt(i);
            if (c >= 'A' && c <= 'Z') {
                c = (char) (c + ('a' - 'A'));
            } else if (c < 'a' || c > 'z') {
                return -1;
            }
            key = (key << 7) | c;
        }
        return key;
    }

    private static boolean isDateWord(char[] chars, int start, int end) {
        while (start < end && chars[start] == ',') {
            start++;
        }
        while (end > start && chars[end - 1] == ',') {
            end--;
        }
        int length = end - start;
        if (length < 3 || length > 9) {
            return false;
        }
        int first = letterIndex(chars[start]);
        int second = letterIndex(chars[start + 1]);
        int third = letterIndex(chars[start + 2]);
        if (first < 0 || second < 0 || third < 0 || !DATE_PREFIXES[first * 676 + second * 26 + third]) {
            return false;
        }
        long key = 0;
        for (int i = start; i < end; i++) {
            char c = chars[i];
            if (c >= 'A' && c <= 'Z') {
                c = (char) (c + ('a' - 'A'));
            } else if (c < 'a' || c > 'z') {
                return false;
            }
            key = (key << 7) | c;
        }
        return Arrays.binarySearch(DATE_KEYS, key) >= 0;
    }

    private static boolean isDateWord(String token) {
        int start = 0;
        int end = token.length();
        while (start < end && token.charAt(start) == ',') {
            start++;
        }
        while (end > start && token.charAt(end - 1) == ',') {
            end--;
        }
        int length = end - start;
        if (length < 3 || length > 9) {
            return false;
        }
        long key = pack(token, start, end);
        return key >= 0 && Arrays.binarySearch(DATE_KEYS, key) >= 0;
    }

    /** A token that the identifier rule masks whole: {@code [A-Za-z][A-Za-z0-9]*_[\w-]*\d[\w-]*}. */
    private static boolean isWholeIdentifier(char[] chars, int start, int end) {
        if (!isAsciiLetter(chars[start])) {
            return false;
        }
        int i = start + 1;
        while (i < end && isAsciiAlnum(chars[i])) {
            i++;
        }
        if (i >= end || chars[i] != '_') {
            return false;
        }
        boolean digit = false;
        for (i++; i < end; i++) {
            char c = chars[i];
            if (!isWordChar(c) && c != '-') {
                return false;
            }
            digit |= isDigit(c);
        }
        return digit;
    }

    /** A token that the decimal rule masks whole: digits, optionally dot-separated groups of digits. */
    private static boolean isPlainNumber(char[] chars, int start, int end) {
        boolean digitBefore = false;
        for (int i = start; i < end; i++) {
            char c = chars[i];
            if (c >= '0' && c <= '9') {
                digitBefore = true;
            } else if (c == '.' && digitBefore && i + 1 < end && chars[i + 1] >= '0' && chars[i + 1] <= '9') {
                digitBefore = false;
            } else {
                return false;
            }
        }
        return digitBefore;
    }

    // ---- character classes

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    private static boolean isAsciiLetter(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    }

    private static boolean isAsciiAlnum(char c) {
        return isAsciiLetter(c) || isDigit(c);
    }

    private static boolean isHex(char c) {
        return isDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
    }

    /** Python's {@code \w}: Unicode letters and digits and the underscore. */
    private static boolean isWordChar(char c) {
        return c < 128 ? isAsciiAlnum(c) || c == '_' : Character.isLetterOrDigit(c);
    }

    /** Characters that end a path or URL. */
    private static boolean isStop(char c) {
        switch (c) {
            case ',': case ';': case '\'': case '"': case '(': case ')': case '[': case ']': case '{': case '}':
            case '<': case '>':
                return true;
            default:
                return isSpace(c);
        }
    }

    private static boolean isSegmentChar(char c) {
        return c != '/' && c != ':' && !isStop(c);
    }

    @Override
    public String toString() {
        return "Tokenizer[" + masking + ", rules=" + Arrays.toString(rules) + "]";
    }
}
