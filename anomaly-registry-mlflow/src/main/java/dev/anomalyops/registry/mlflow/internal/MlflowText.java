package dev.anomalyops.registry.mlflow.internal;

import java.util.Optional;
import java.util.regex.Pattern;

/**
 * MLflow's rules for names and values, checked on our side so that a registration fails before anything
 * is written rather than half-way, plus the quoting of search filters.
 */
public final class MlflowText {
    /** Longest tag and parameter key MLflow guarantees. */
    public static final int MAX_KEY_LENGTH = 250;
    /** Longest model-version tag value MLflow guarantees. */
    public static final int MAX_TAG_VALUE_LENGTH = 5000;
    /**
     * Longest parameter value written: what every server with aliases accepts (MLflow 2.3 allowed 500
     * characters; later releases allow 6000).
     */
    public static final int MAX_PARAM_VALUE_LENGTH = 500;

    /** MLflow's {@code ^[/\w.\- :]*$} for parameter, metric and tag names (Python's \w is Unicode-aware). */
    private static final Pattern NAME = Pattern.compile("[/\\w.\\- :]+", Pattern.UNICODE_CHARACTER_CLASS);
    private static final Pattern NOT_NAME = Pattern.compile("[^/\\w.\\- :]", Pattern.UNICODE_CHARACTER_CLASS);
    private static final Pattern RESERVED_ALIAS = Pattern.compile("latest|[vV][0-9]+");

    private MlflowText() {}

    /**
     * @param key a candidate tag, parameter or metric name
     * @return why MLflow would refuse it, if it would
     */
    public static Optional<String> keyProblem(String key) {
        if (key.isEmpty() || key.length() > MAX_KEY_LENGTH) {
            return Optional.of("must be 1 to " + MAX_KEY_LENGTH + " characters long");
        }
        if (!NAME.matcher(key).matches()) {
            return Optional.of("may only contain letters, digits, '_', '-', '.', ' ', ':' and '/'");
        }
        if (pathNotUnique(key)) {
            return Optional.of("must be a normalised path (no leading '/', no empty, '.' or '..' segments)");
        }
        return Optional.empty();
    }

    /**
     * MLflow stores names as file paths in some stores and refuses those that {@code posixpath.normpath}
     * would change.
     */
    private static boolean pathNotUnique(String key) {
        if (key.startsWith("/")) {
            return true;
        }
        for (String segment : key.split("/", -1)) {
            if (segment.isEmpty() || segment.equals(".") || segment.equals("..")) {
                return true;
            }
        }
        return false;
    }

    /**
     * @param key any text, e.g. a hyper-parameter name
     * @return a name MLflow accepts: characters it refuses become '_', '/' too, and it is cut to the limit
     */
    public static String sanitizeKey(String key) {
        String cleaned = NOT_NAME.matcher(key).replaceAll("_").replace('/', '_');
        if (cleaned.isEmpty() || cleaned.equals(".") || cleaned.startsWith("..")) {
            cleaned = "_" + cleaned;
        }
        return cleaned.length() <= MAX_KEY_LENGTH ? cleaned : cleaned.substring(0, MAX_KEY_LENGTH);
    }

    /**
     * @param value a parameter value
     * @return the value, cut to {@link #MAX_PARAM_VALUE_LENGTH} with a trailing "..." when longer
     */
    public static String truncateParam(String value) {
        return value.length() <= MAX_PARAM_VALUE_LENGTH ? value
                : value.substring(0, MAX_PARAM_VALUE_LENGTH - 3) + "...";
    }

    /**
     * @param alias an alias name that already follows our own rule
     * @return why MLflow would refuse it as a registered-model alias, if it would ({@code latest} and
     *     {@code v<number>} are reserved there for version references)
     */
    public static Optional<String> aliasProblem(String alias) {
        if (RESERVED_ALIAS.matcher(alias).matches()) {
            return Optional.of("Alias \"" + alias + "\" is reserved by MLflow (\"latest\" and \"v<number>\" name"
                    + " versions in model URIs); choose another name");
        }
        return Optional.empty();
    }

    /**
     * @param tagKey a tag key
     * @param value the value it must equal
     * @return the filter clause {@code tags.`key` = 'value'}, or empty when the key or value cannot be quoted
     *     in MLflow's filter syntax (the caller then filters on its side)
     */
    public static Optional<String> tagEquals(String tagKey, String value) {
        if (tagKey.contains("`")) {
            return Optional.empty();
        }
        return quote(value).map(v -> "tags.`" + tagKey + "` = " + v);
    }

    /**
     * @param value a string constant
     * @return it in single quotes, or double quotes when it holds a single quote; empty when it holds both
     *     (MLflow's filter parser has no escape for that)
     */
    public static Optional<String> quote(String value) {
        if (!value.contains("'")) {
            return Optional.of("'" + value + "'");
        }
        if (!value.contains("\"")) {
            return Optional.of("\"" + value + "\"");
        }
        return Optional.empty();
    }

    /**
     * @param alias an alias
     * @return the deprecated MLflow stage that mirrors it on servers without aliases, if any
     */
    public static Optional<String> stageFor(String alias) {
        switch (alias) {
            case "staging":
                return Optional.of("Staging");
            case "production":
                return Optional.of("Production");
            default:
                return Optional.empty();
        }
    }
}
