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

    /** Scratch space per thread: the token buffer and the masking buffers, reused message after message. */
    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

    private static final class Scratch {
        final MaskedTokens tokens = new MaskedTokens();
        final Buffers buffers = new Buffers();
        char[] text = new char[256];
    }

    /**
     * @param content a message (one line; other whitespace is a separator like a space)
     * @return its masked tokens, never null; empty for a blank message
     */
    String[] tokenize(CharSequence content) {
        Scratch scratch = SCRATCH.get();
        tokenizeInto(content, scratch.tokens, scratch);
        return scratch.tokens.count == 0 ? NO_TOKENS : scratch.tokens.toArray();
    }

    /**
     * Tokenises into this thread's reusable buffer, for the allocation-free matching path.
     *
     * @param content a message
     * @return the masked tokens; valid until the next call on this thread
     */
    MaskedTokens tokenizeReused(CharSequence content) {
        Scratch scratch = SCRATCH.get();
        tokenizeInto(content, scratch.tokens, scratch);
        return scratch.tokens;
    }

    private void tokenizeInto(CharSequence content, MaskedTokens out, Scratch scratch) {
        CharSequence text = content;
        for (Pattern rule : rules) {
            Matcher matcher = rule.matcher(text);
            if (matcher.find()) {
                text = matcher.replaceAll(WILDCARD);
            }
        }
        out.clear();
        int length = text.length();
        if (scratch.text.length < length) {
            scratch.text = new char[Math.max(length, scratch.text.length * 2)];
        }
        char[] chars = scratch.text;
        if (text instanceof String string) {
            string.getChars(0, length, chars, 0);
        } else {
            for (int i = 0; i < length; i++) {
                chars[i] = text.charAt(i);
            }
        }
        boolean units = masking.units();
        boolean dateCandidates = false;
        int i = 0;
        while (i < length) {
            char c = chars[i];
            if (c < 128 ? CLASSES[c] == SPACE : isSpace(c)) {
                i++;
                continue;
            }
            int start = i;
            int hash = 0;
            int seen = 0;
            int slashes = 0;
            while (i < length) {
                c = chars[i];
                if (c < 128) {
                    int type = CLASSES[c];
                    if (type == SPACE) {
                        break;
                    }
                    seen |= type;
                    if (c == '/') {
                        slashes++;
                    }
                } else if (isSpace(c)) {
                    break;
                }
                hash = 31 * hash + c;
                i++;
            }
            out.beginToken();
            boolean digit = (seen & DIGIT) != 0;
            // A path needs two slashes (a URL's "://" included) or a backslash; without digits nothing else can
            // be masked either.
            boolean paths = slashes >= 2 || (seen & BACKSLASH) != 0;
            if (i - start > MAX_TOKEN_LENGTH) {
                out.appendWildcard();
                out.endToken(false);
            } else if (!digit && !paths) {
                dateCandidates |= plainToken(chars, start, i, hash, units, out);
            } else {
                maskedToken(chars, start, i, digit, paths, (seen & UNDERSCORE) != 0, scratch.buffers, out);
            }
        }
        if (masking.dates() && dateCandidates) {
            maskDates(out);
        }
    }

    /** Adds a token without digits or paths; returns whether it is a date word. */
    private static boolean plainToken(char[] chars, int start, int end, int hash, boolean units, MaskedTokens out) {
        // A size or duration unit right after a masked value is part of that value.
        int unitEnd = units && out.count > 0 && out.endsWithWildcard(out.count - 1) ? unitEnd(chars, start, end) : -1;
        if (unitEnd >= 0) {
            out.appendWildcard();
            out.append(chars, unitEnd, end - unitEnd);
            out.endToken(false);
            return false;
        }
        out.append(chars, start, end - start);
        boolean date = isDateWord(chars, start, end);
        out.endToken(date, hash);
        return date;
    }

    /** Adds a token with digits or a path, masked. */
    private void maskedToken(char[] chars, int start, int end, boolean digit, boolean paths, boolean underscore,
            Buffers buffers, MaskedTokens out) {
        if ((digit && masking.numbers() && isPlainNumber(chars, start, end))
                || (digit && underscore && masking.identifiers() && isWholeIdentifier(chars, start, end))) {
            out.appendWildcard();
        } else {
            appendMasked(chars, start, end, digit, paths, underscore, buffers, out);
        }
        out.endToken(false);
    }

    private static final byte SPACE = 1;
    private static final byte DIGIT = 2;
    private static final byte UNDERSCORE = 4;
    private static final byte BACKSLASH = 8;
    /** ASCII character classes for the scanning loop. */
    private static final byte[] CLASSES = new byte[128];

    static {
        for (char c = 0; c < 128; c++) {
            if (isSpace(c)) {
                CLASSES[c] = SPACE;
            } else if (c >= '0' && c <= '9') {
                CLASSES[c] = DIGIT;
            } else if (c == '_') {
                CLASSES[c] = UNDERSCORE;
            } else if (c == '\\') {
                CLASSES[c] = BACKSLASH;
            }
        }
    }

    /**
     * @return where the trailing {@code ,;)} of a unit token start, or -1 when the token is not a unit
     */
    private static int unitEnd(char[] chars, int start, int end) {
        int stop = end;
        while (stop > start && (chars[stop - 1] == ',' || chars[stop - 1] == ';' || chars[stop - 1] == ')')) {
            stop--;
        }
        int length = stop - start;
        if (length < 1 || length > 4 || "BKMGTPmuns\u00b5".indexOf(chars[start]) < 0) {
            return -1;
        }
        return UNITS.contains(new String(chars, start, length)) ? stop : -1;
    }

    /** Whitespace as Python's {@code str.split()} sees it (the reference design splits that way). */
    static boolean isSpace(char c) {
        if (c <= ' ') {
            return c == ' ' || (c >= '\t' && c <= '\r') || (c >= '\u001c' && c <= '\u001f');
        }
        return c > 127 && (c == '\u0085' || c == '\u00a0' || c == '\u2007' || c == '\u202f'
                || Character.isWhitespace(c));
    }

    /** Two scratch arrays that the masking passes write into alternately. */
    private static final class Buffers {
        char[] a = new char[64];
        char[] b = new char[64];

        char[] ensure(char[] buffer, int capacity) {
            return buffer.length >= capacity ? buffer : new char[Math.max(capacity, buffer.length * 2)];
        }
    }

    private void appendMasked(char[] chars, int start, int end, boolean digit, boolean paths, boolean underscore,
            Buffers buffers, MaskedTokens out) {
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
        out.append(current, from, length);
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
        if (numbers && hasNoLetter(t, from, n)) {
            return maskLetterFreeNumbers(t, from, n, out);
        }
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

    private static boolean hasNoLetter(char[] t, int from, int n) {
        for (int i = from, end = from + n; i < end; i++) {
            char c = t[i];
            if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) {
                return false;
            }
        }
        return true;
    }

    /**
     * The number rule on a token without ASCII letters (IP addresses, times, dates), where it reduces to: each run
     * {@code [<>~]?[-+]?\d+(\.\d+)*} not preceded by a digit becomes {@code <*>} (hex forms need letters, and no
     * letter can fail the look-ahead). Same result as {@link #matchDecimal}, in one pass.
     */
    private static int maskLetterFreeNumbers(char[] t, int from, int n, char[] out) {
        int written = 0;
        int copied = 0;
        boolean changed = false;
        int i = 0;
        while (i < n) {
            char c = t[from + i];
            if (i > 0 && isDigit(t[from + i - 1])) {
                i++;
                continue;
            }
            int j = i;
            if (c == '<' || c == '>' || c == '~') {
                j++;
            }
            if (j < n && (t[from + j] == '-' || t[from + j] == '+')) {
                j++;
            }
            if (j >= n || !isDigit(t[from + j])) {
                i++;
                continue;
            }
            while (j < n && isDigit(t[from + j])) {
                j++;
            }
            while (j + 1 < n && t[from + j] == '.' && isDigit(t[from + j + 1])) {
                j += 2;
                while (j < n && isDigit(t[from + j])) {
                    j++;
                }
            }
            System.arraycopy(t, from + copied, out, written, i - copied);
            written = appendWildcard(out, written + i - copied);
            i = j;
            copied = j;
            changed = true;
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

    private static void maskDates(MaskedTokens tokens) {
        int n = tokens.count;
        int i = 0;
        while (i < n) {
            if (!tokens.dates[i] && !tokens.containsWildcard(i)) {
                i++;
                continue;
            }
            int j = i;
            boolean masked = false;
            while (j < n && (tokens.dates[j] || tokens.containsWildcard(j))) {
                masked |= !tokens.dates[j];
                j++;
            }
            if (masked) {
                for (int k = i; k < j; k++) {
                    if (tokens.dates[k]) {
                        tokens.replaceWithWildcard(k);
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
