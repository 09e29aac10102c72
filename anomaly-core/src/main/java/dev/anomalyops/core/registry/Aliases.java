package dev.anomalyops.core.registry;

import java.util.regex.Pattern;

/** The aliases our pipeline uses, and the rule every alias name follows. */
public final class Aliases {
    /** The model that serves production traffic by default. */
    public static final String CHAMPION = "champion";
    /** The model compared against the champion in A/B tests. */
    public static final String CHALLENGER = "challenger";
    /** A model that passed the quality gates and awaits rollout. */
    public static final String STAGING = "staging";
    /** The model deployed to production. */
    public static final String PRODUCTION = "production";

    private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9_-]{0,63}");

    private Aliases() {}

    /**
     * @param alias a candidate alias
     * @throws IllegalArgumentException unless it is lower case letters, digits, '_' and '-', starting with a letter
     */
    public static void requireValid(String alias) {
        if (!NAME.matcher(alias).matches()) {
            throw new IllegalArgumentException("Alias \"" + alias
                    + "\" must start with a lower-case letter and contain only a-z, 0-9, '_' and '-' (at most 64)");
        }
    }
}
