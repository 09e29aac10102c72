package dev.anomalyops.features.logs.templates;

import java.util.Arrays;

/**
 * The masked tokens of one message in reusable arrays: the characters of all tokens one after the other, each
 * token's range and hash ({@link String#hashCode()} of its text). The tokenizer writes it and the frozen matcher
 * reads it, so matching a known template creates no objects. Not thread-safe: one per thread.
 */
final class MaskedTokens {
    private static final char[] W = Tokenizer.WILDCARD.toCharArray();
    private static final int W_HASH = Tokenizer.WILDCARD.hashCode();

    char[] chars = new char[256];
    int size;
    int[] starts = new int[32];
    int[] ends = new int[32];
    int[] hashes = new int[32];
    boolean[] dates = new boolean[32];
    int count;
    private int open;

    void clear() {
        size = 0;
        count = 0;
    }

    /** Starts a new token; append its characters, then call {@link #endToken()}. */
    void beginToken() {
        if (count == starts.length) {
            int capacity = count * 2;
            starts = Arrays.copyOf(starts, capacity);
            ends = Arrays.copyOf(ends, capacity);
            hashes = Arrays.copyOf(hashes, capacity);
            dates = Arrays.copyOf(dates, capacity);
        }
        open = size;
    }

    void append(char[] source, int from, int length) {
        ensure(size + length);
        System.arraycopy(source, from, chars, size, length);
        size += length;
    }

    void appendWildcard() {
        append(W, 0, W.length);
    }

    /** Ends the token begun last. */
    void endToken(boolean date) {
        endToken(date, hash(open, size));
    }

    /** Ends the token begun last, whose hash the caller computed while scanning it. */
    void endToken(boolean date, int hash) {
        starts[count] = open;
        ends[count] = size;
        hashes[count] = hash;
        dates[count] = date;
        count++;
    }

    /** Replaces token {@code i} by {@code <*>} (written after the other tokens; ranges stay valid). */
    void replaceWithWildcard(int i) {
        ensure(size + W.length);
        System.arraycopy(W, 0, chars, size, W.length);
        starts[i] = size;
        size += W.length;
        ends[i] = size;
        hashes[i] = W_HASH;
        dates[i] = false;
    }

    /** Keeps the first {@code limit} tokens, the last of them turned into {@code <*>}. */
    void limit(int limit) {
        if (count > limit) {
            count = limit;
            replaceWithWildcard(limit - 1);
        }
    }

    int length(int i) {
        return ends[i] - starts[i];
    }

    boolean endsWithWildcard(int i) {
        int end = ends[i];
        return end - starts[i] >= 3 && chars[end - 3] == '<' && chars[end - 2] == '*' && chars[end - 1] == '>';
    }

    boolean containsWildcard(int i) {
        for (int k = starts[i], end = ends[i] - 2; k < end; k++) {
            if (chars[k] == '<' && chars[k + 1] == '*' && chars[k + 2] == '>') {
                return true;
            }
        }
        return false;
    }

    boolean isWildcard(int i) {
        return hashes[i] == W_HASH && length(i) == 3 && endsWithWildcard(i);
    }

    /** Whether token {@code i} reads exactly {@code text}, whose hash is {@code hash}. */
    boolean equalsText(int i, String text, int hash) {
        if (hashes[i] != hash || length(i) != text.length()) {
            return false;
        }
        for (int k = 0, start = starts[i], n = text.length(); k < n; k++) {
            if (chars[start + k] != text.charAt(k)) {
                return false;
            }
        }
        return true;
    }

    String token(int i) {
        return new String(chars, starts[i], length(i));
    }

    String[] toArray() {
        String[] tokens = new String[count];
        for (int i = 0; i < count; i++) {
            tokens[i] = isWildcard(i) ? Tokenizer.WILDCARD : token(i);
        }
        return tokens;
    }

    private int hash(int from, int to) {
        int h = 0;
        for (int k = from; k < to; k++) {
            h = 31 * h + chars[k];
        }
        return h;
    }

    private void ensure(int capacity) {
        if (capacity > chars.length) {
            chars = Arrays.copyOf(chars, Math.max(capacity, chars.length * 2));
        }
    }
}
