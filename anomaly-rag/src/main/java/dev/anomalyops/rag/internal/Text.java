package dev.anomalyops.rag.internal;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Light text analysis for grounding checks and anomaly signatures: sentence splitting, content words,
 * numbers and identifier-like entities. Deliberately simple and deterministic (no model, no locale rules
 * beyond English stop words): its job is to find specifics an answer could have invented.
 */
public final class Text {
    private static final Pattern LIST_MARKER = Pattern.compile("^\\s*(?:[-*•]+|\\d{1,2}[.)]|[a-z][.)]|#{1,6})\\s+");
    private static final Pattern SENTENCE_END = Pattern.compile("(?<=[.!?])\\s+(?=[\\p{Lu}\\d\"'(\\[`*])");
    private static final Pattern WORD = Pattern.compile("[\\p{L}\\p{N}_][\\p{L}\\p{N}_.\\-/:]*[\\p{L}\\p{N}_]|[\\p{L}\\p{N}_]");
    private static final Pattern PURE_NUMBER = Pattern.compile("\\d+(?:\\.\\d+)?");
    private static final Pattern GROUPED_DIGITS = Pattern.compile("(\\d),(\\d{3})(?!\\d)");
    private static final Pattern MASK = Pattern.compile(
            "\\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\\b"   // UUID
                    + "|\\b\\d{1,3}(?:\\.\\d{1,3}){3}(?::\\d+)?\\b"                 // IPv4[:port]
                    + "|\\b0x[0-9a-f]+\\b|\\b[0-9a-f]{12,}\\b"                      // hex ids
                    + "|[-+]?\\d+(?:[.,:]\\d+)*",                                     // numbers, times
            Pattern.CASE_INSENSITIVE);

    private static final Set<String> STOP_WORDS = Set.of(
            "a", "about", "above", "after", "again", "against", "all", "also", "am", "an", "and", "any", "are", "as",
            "at", "be", "because", "been", "before", "being", "below", "between", "both", "but", "by", "can",
            "could", "did", "do", "does", "doing", "down", "during", "each", "either", "few", "for", "from",
            "further", "had", "has", "have", "having", "he", "her", "here", "hers", "him", "his", "how", "i", "if",
            "in", "into", "is", "it", "its", "itself", "just", "may", "me", "might", "more", "most", "must", "my",
            "no", "nor", "not", "now", "of", "off", "on", "once", "only", "or", "other", "our", "ours", "out",
            "over", "own", "same", "she", "should", "so", "some", "such", "than", "that", "the", "their", "theirs",
            "them", "then", "there", "these", "they", "this", "those", "through", "to", "too", "under", "until",
            "up", "very", "was", "we", "were", "what", "when", "where", "which", "while", "who", "whom", "why",
            "will", "with", "would", "you", "your", "yours", "likely", "probably", "possibly", "appears", "seems",
            "based", "given", "suggests", "indicates", "due", "within", "without", "per", "via", "s");

    private Text() {}

    /**
     * Splits text into sentences: at line breaks and after sentence-ending punctuation followed by an
     * upper-case letter or digit. Decimal numbers ({@code 0.97}) and dotted names stay whole. List markers
     * and heading marks are removed; empty pieces are dropped.
     *
     * @param text any text
     * @return the sentences, trimmed
     */
    public static List<String> sentences(String text) {
        List<String> out = new ArrayList<>();
        for (String line : text.split("\\R")) {
            String stripped = LIST_MARKER.matcher(line).replaceFirst("").strip();
            if (stripped.isEmpty()) {
                continue;
            }
            for (String piece : SENTENCE_END.split(stripped)) {
                String s = piece.strip();
                if (!s.isEmpty() && WORD.matcher(s).find()) {
                    out.add(s);
                }
            }
        }
        return out;
    }

    /**
     * Content words: lower-cased words without stop words, with a light plural/verb-ending stem so that
     * "restarts", "restarted" and "restart" match.
     *
     * @param text any text
     * @return the distinct content words in order of appearance
     */
    public static Set<String> contentWords(String text) {
        Set<String> out = new LinkedHashSet<>();
        Matcher m = WORD.matcher(text.toLowerCase(Locale.ROOT));
        while (m.find()) {
            String word = m.group();
            if (word.length() < 2 || STOP_WORDS.contains(word)) {
                continue;
            }
            out.add(stem(word));
            // Dotted or slashed names also count by their parts (dfs.DataNode matches "DataNode").
            if (word.indexOf('.') > 0 || word.indexOf('/') > 0 || word.indexOf('_') > 0 || word.indexOf('-') > 0) {
                for (String part : word.split("[./_\\-:]+")) {
                    if (part.length() >= 2 && !STOP_WORDS.contains(part)) {
                        out.add(stem(part));
                    }
                }
            }
        }
        return out;
    }

    static String stem(String word) {
        if (word.length() <= 4 || !Character.isLetter(word.charAt(word.length() - 1))) {
            return word;
        }
        String stem = word;
        for (String suffix : new String[] {"ations", "ation", "ing", "ed", "es", "s", "ly"}) {
            if (stem.endsWith(suffix) && stem.length() - suffix.length() >= 3) {
                stem = stem.substring(0, stem.length() - suffix.length());
                break;
            }
        }
        // "cause", "caused" and "causes" all become "caus".
        return stem.endsWith("e") && stem.length() > 4 ? stem.substring(0, stem.length() - 1) : stem;
    }

    /**
     * Numbers written in the text as numbers of their own (list markers excluded; digits inside dates,
     * times, versions or identifiers are not numbers here, {@link #entities} covers those), normalised:
     * grouping commas removed and trailing zeros stripped, so "1,024", "1024" and "1024.0" compare equal.
     *
     * @param text any text
     * @return the numbers as plain decimal strings
     */
    public static List<String> numbers(String text) {
        List<String> out = new ArrayList<>();
        for (String token : tokens(LIST_MARKER.matcher(text).replaceFirst(""))) {
            if (PURE_NUMBER.matcher(token).matches()) {
                out.add(normalizeNumber(token));
            }
        }
        return out;
    }

    private static List<String> tokens(String text) {
        List<String> out = new ArrayList<>();
        Matcher m = WORD.matcher(GROUPED_DIGITS.matcher(text).replaceAll("$1$2"));
        while (m.find()) {
            out.add(trimTrailingDots(m.group()));
        }
        return out;
    }

    /**
     * @param number a number as written
     * @return its canonical decimal form
     */
    public static String normalizeNumber(String number) {
        String plain = number.replace(",", "").replace("+", "");
        try {
            BigDecimal value = new BigDecimal(plain).stripTrailingZeros();
            return value.scale() < 0 ? value.setScale(0).toPlainString() : value.toPlainString();
        } catch (NumberFormatException e) {
            return plain;
        }
    }

    /**
     * Whether a number written in an answer is backed by one in the evidence: equal, or the evidence value
     * rounds to it at the precision it was written with ("0.97" is backed by 0.9734), or it is the same
     * value as a percentage ("97%" is backed by 0.97).
     *
     * @param written the number in the answer, canonical form
     * @param evidence canonical numbers found in the evidence
     * @return true when backed
     */
    public static boolean numberBacked(String written, Set<String> evidence) {
        if (evidence.contains(written)) {
            return true;
        }
        BigDecimal value;
        try {
            value = new BigDecimal(written);
        } catch (NumberFormatException e) {
            return false;
        }
        int scale = Math.max(value.scale(), 0);
        BigDecimal half = BigDecimal.ONE.movePointLeft(scale).divide(BigDecimal.valueOf(2));
        for (String e : evidence) {
            try {
                BigDecimal candidate = new BigDecimal(e);
                if (candidate.subtract(value).abs().compareTo(half) <= 0) {
                    return true;
                }
                BigDecimal percent = candidate.movePointRight(2);
                if (percent.subtract(value).abs().compareTo(half) <= 0 && candidate.abs().compareTo(BigDecimal.ONE) <= 0) {
                    return true;
                }
            } catch (NumberFormatException ignored) {
                // not a number
            }
        }
        return false;
    }

    /**
     * Identifier-like specifics an answer could invent: words mixing letters and digits ({@code blk_38865},
     * {@code node-7}), with underscores, dotted or slashed names ({@code dfs.DataNode}, {@code /var/log}),
     * camel-case names ({@code NullPointerException}) and IP addresses.
     *
     * @param text any text
     * @return the entities, lower-cased, in order of appearance
     */
    public static Set<String> entities(String text) {
        Set<String> out = new LinkedHashSet<>();
        for (String word : tokens(text)) {
            if (word.isEmpty() || PURE_NUMBER.matcher(word).matches()) {
                continue;
            }
            boolean letters = word.chars().anyMatch(Character::isLetter);
            boolean digits = word.chars().anyMatch(Character::isDigit);
            boolean joined = word.indexOf('_') >= 0 || word.indexOf('/') >= 0
                    || (word.indexOf('.') > 0 && letters);
            boolean camel = word.length() > 3 && hasInnerUpperCase(word);
            if (digits || joined || camel) {
                out.add(word.toLowerCase(Locale.ROOT));
            }
        }
        return out;
    }

    private static String trimTrailingDots(String word) {
        int end = word.length();
        while (end > 0 && (word.charAt(end - 1) == '.' || word.charAt(end - 1) == ':')) {
            end--;
        }
        return word.substring(0, end);
    }

    private static boolean hasInnerUpperCase(String word) {
        for (int i = 1; i < word.length(); i++) {
            if (Character.isUpperCase(word.charAt(i)) && Character.isLowerCase(word.charAt(i - 1))) {
                return true;
            }
        }
        return false;
    }

    /**
     * The shape of a log message with its variable parts masked (numbers, IPs, UUIDs, hex ids), lower-cased
     * and with runs of white space collapsed, so that two occurrences of the same event compare equal.
     *
     * @param message a log message
     * @return its masked form
     */
    public static String mask(String message) {
        return MASK.matcher(message).replaceAll("#").toLowerCase(Locale.ROOT).replaceAll("\\s+", " ").strip();
    }

    /**
     * @param text any text
     * @param max the longest result, at least 2
     * @return the text, cut at {@code max} characters with an ellipsis when longer
     */
    public static String abbreviate(String text, int max) {
        String flat = text.strip();
        return flat.length() <= max ? flat : flat.substring(0, max - 1) + "…";
    }
}
