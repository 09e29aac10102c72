package dev.anomalyops.features.logs.templates;

/**
 * Token comparison with {@code <*>} wildcards inside template tokens: {@code rhost=<*>} matches
 * {@code rhost=10.0.0.1} and {@code rhost=host.example.org}. A wildcard matches any run of characters,
 * including none. Stateless.
 */
final class Glob {
    private static final String W = Tokenizer.WILDCARD;

    private Glob() {}

    /**
     * @param template a template token, possibly with wildcards
     * @param token a masked message token
     * @return whether the template token matches the message token
     */
    static boolean matches(String template, String token) {
        if (template.equals(token) || template.equals(W)) {
            return true;
        }
        int first = template.indexOf(W);
        if (first < 0) {
            return false;
        }
        int last = template.lastIndexOf(W);
        String prefix = template.substring(0, first);
        String suffix = template.substring(last + W.length());
        if (token.length() < prefix.length() + suffix.length() || !token.startsWith(prefix) || !token.endsWith(suffix)) {
            return false;
        }
        int position = prefix.length();
        int end = token.length() - suffix.length();
        int from = first + W.length();
        while (from < last) {
            int next = template.indexOf(W, from);
            String part = template.substring(from, next);
            int found = part.isEmpty() ? position : token.indexOf(part, position);
            if (found < 0 || found + part.length() > end) {
                return false;
            }
            position = found + part.length();
            from = next + W.length();
        }
        return true;
    }

    /**
     * @param template template tokens
     * @param tokens message tokens of the same length
     * @return -1 when some token does not match, else how many tokens match literally (equal and not a bare
     *     wildcard), the measure of how specific the template is for this message
     */
    static int literalMatches(String[] template, String[] tokens) {
        int literals = 0;
        for (int i = 0; i < template.length; i++) {
            String a = template[i];
            String b = tokens[i];
            if (a.equals(b)) {
                if (!a.equals(W)) {
                    literals++;
                }
            } else if (!matches(a, b)) {
                return -1;
            }
        }
        return literals;
    }
}
