package dev.anomalyops.features.metrics;

import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Short duration text ({@code 30s}, {@code 5m}, {@code 1h}, {@code 2d}, or ISO-8601 {@code PT5M}) both ways. */
final class DurationText {
    private static final Pattern SHORT = Pattern.compile("(\\d+)\\s*(ms|s|m|h|d)");

    private DurationText() {}

    /**
     * @param text a duration such as {@code 15m} or {@code PT15M}
     * @return the duration
     * @throws IllegalArgumentException when the text is neither form
     */
    public static Duration parse(String text) {
        String trimmed = text.trim().toLowerCase(Locale.ROOT);
        Matcher m = SHORT.matcher(trimmed);
        if (m.matches()) {
            long amount = Long.parseLong(m.group(1));
            switch (m.group(2)) {
                case "ms": return Duration.ofMillis(amount);
                case "s": return Duration.ofSeconds(amount);
                case "m": return Duration.ofMinutes(amount);
                case "h": return Duration.ofHours(amount);
                default: return Duration.ofDays(amount);
            }
        }
        try {
            return Duration.parse(text.trim());
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("Duration \"" + text + "\" is not valid; expected a number with unit ms, s, m, h or d"
                    + " (e.g. \"15m\") or ISO-8601 (e.g. \"PT15M\")", e);
        }
    }

    /**
     * @param duration a positive duration
     * @return its shortest exact short form, e.g. {@code 15m}, {@code 90s}, {@code 1h}
     */
    public static String format(Duration duration) {
        long ms = duration.toMillis();
        if (ms % 86_400_000L == 0) {
            return ms / 86_400_000L + "d";
        }
        if (ms % 3_600_000L == 0) {
            return ms / 3_600_000L + "h";
        }
        if (ms % 60_000L == 0) {
            return ms / 60_000L + "m";
        }
        if (ms % 1000L == 0) {
            return ms / 1000L + "s";
        }
        return ms + "ms";
    }
}
