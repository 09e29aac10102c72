package dev.anomalyops.features.logs.templates;

import dev.anomalyops.core.ConfigurationException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Which parts of a message the {@link TemplateMiner} replaces by {@code <*>} before it compares messages.
 * Masking is what lets a miner with no per-system settings tell variables from constants: a number, an IP
 * address or a path is a variable in every log, so it never has to be learnt.
 *
 * <p>The built-in rules work on whitespace-separated tokens and keep the constant parts of a token
 * ({@code uid=0} becomes {@code uid=<*>}):
 * <ul>
 *   <li>{@linkplain Builder#numbers numbers}: integers, decimals, IPv4 addresses, versions ({@code v6.1.7601}),
 *       with a sign or a comparison prefix ({@code <1}), when not glued to letters ({@code jk2} stays);</li>
 *   <li>{@linkplain Builder#hexIds hex ids}: {@code 0x1f}, and runs of hex digits that mix digits and letters,
 *       dash-joined runs included (UUIDs, hashes);</li>
 *   <li>{@linkplain Builder#paths paths}: URLs ({@code hdfs://...}), absolute or relative Unix paths of two or
 *       more segments, Windows paths ({@code C:\...});</li>
 *   <li>{@linkplain Builder#identifiers identifiers}: {@code word_...} tokens with a digit after the underscore
 *       ({@code blk_-1608999687919862906}, {@code attempt_1445144423722_0020_m_000000_0});</li>
 *   <li>{@linkplain Builder#dates dates}: month and weekday names next to a masked token
 *       ({@code Sun Jul 10 03:55:15 2005});</li>
 *   <li>{@linkplain Builder#units units}: a size or duration unit after a masked number ({@code 5.2 KB},
 *       {@code <1 sec}).</li>
 * </ul>
 * A token longer than 1,024 characters is always a variable (an encoded blob or a dump).
 * {@linkplain Builder#rule Extra rules} are regular expressions applied to the whole message first; every match
 * becomes {@code <*>} (for example Loghub's per-system regexes). They cost a regex pass per message.
 *
 * <p>Immutable and thread-safe.
 */
public final class Masking {
    private static final Masking DEFAULTS = builder().build();

    private final boolean numbers;
    private final boolean hexIds;
    private final boolean paths;
    private final boolean identifiers;
    private final boolean dates;
    private final boolean units;
    private final List<Pattern> rules;

    private Masking(Builder builder) {
        this.numbers = builder.numbers;
        this.hexIds = builder.hexIds;
        this.paths = builder.paths;
        this.identifiers = builder.identifiers;
        this.dates = builder.dates;
        this.units = builder.units;
        this.rules = List.copyOf(builder.rules);
    }

    /** @return every built-in rule on, no extra rule */
    public static Masking defaults() {
        return DEFAULTS;
    }

    /** @return a builder starting from {@link #defaults()} */
    public static Builder builder() {
        return new Builder();
    }

    /** @return a builder holding this configuration */
    public Builder toBuilder() {
        Builder builder = new Builder();
        builder.numbers = numbers;
        builder.hexIds = hexIds;
        builder.paths = paths;
        builder.identifiers = identifiers;
        builder.dates = dates;
        builder.units = units;
        builder.rules.addAll(rules);
        return builder;
    }

    /** @return whether numbers are masked */
    public boolean numbers() {
        return numbers;
    }

    /** @return whether hex ids are masked */
    public boolean hexIds() {
        return hexIds;
    }

    /** @return whether URLs and paths are masked */
    public boolean paths() {
        return paths;
    }

    /** @return whether {@code word_123} identifiers are masked */
    public boolean identifiers() {
        return identifiers;
    }

    /** @return whether month and weekday names next to masked tokens are masked */
    public boolean dates() {
        return dates;
    }

    /** @return whether units after masked numbers are masked */
    public boolean units() {
        return units;
    }

    /** @return the extra rules, in the order they are applied */
    public List<Pattern> rules() {
        return rules;
    }

    @Override
    public boolean equals(Object other) {
        if (!(other instanceof Masking that)) {
            return false;
        }
        if (numbers != that.numbers || hexIds != that.hexIds || paths != that.paths || identifiers != that.identifiers
                || dates != that.dates || units != that.units || rules.size() != that.rules.size()) {
            return false;
        }
        for (int i = 0; i < rules.size(); i++) {
            if (!rules.get(i).pattern().equals(that.rules.get(i).pattern())
                    || rules.get(i).flags() != that.rules.get(i).flags()) {
                return false;
            }
        }
        return true;
    }

    @Override
    public int hashCode() {
        int hash = Objects.hash(numbers, hexIds, paths, identifiers, dates, units);
        for (Pattern rule : rules) {
            hash = 31 * hash + rule.pattern().hashCode();
        }
        return hash;
    }

    @Override
    public String toString() {
        return "Masking[numbers=" + numbers + ", hexIds=" + hexIds + ", paths=" + paths + ", identifiers=" + identifiers
                + ", dates=" + dates + ", units=" + units + ", rules=" + rules + "]";
    }

    /** Switches built-in rules on or off and adds extra ones. Not thread-safe. */
    public static final class Builder {
        private boolean numbers = true;
        private boolean hexIds = true;
        private boolean paths = true;
        private boolean identifiers = true;
        private boolean dates = true;
        private boolean units = true;
        private final List<Pattern> rules = new ArrayList<>();
        private final List<String> problems = new ArrayList<>();

        private Builder() {}

        /**
         * @param on whether to mask numbers
         * @return this builder
         */
        public Builder numbers(boolean on) {
            this.numbers = on;
            return this;
        }

        /**
         * @param on whether to mask hex ids
         * @return this builder
         */
        public Builder hexIds(boolean on) {
            this.hexIds = on;
            return this;
        }

        /**
         * @param on whether to mask URLs and paths
         * @return this builder
         */
        public Builder paths(boolean on) {
            this.paths = on;
            return this;
        }

        /**
         * @param on whether to mask {@code word_123} identifiers
         * @return this builder
         */
        public Builder identifiers(boolean on) {
            this.identifiers = on;
            return this;
        }

        /**
         * @param on whether to mask month and weekday names next to masked tokens
         * @return this builder
         */
        public Builder dates(boolean on) {
            this.dates = on;
            return this;
        }

        /**
         * @param on whether to mask units after masked numbers
         * @return this builder
         */
        public Builder units(boolean on) {
            this.units = on;
            return this;
        }

        /**
         * Adds a rule applied to the whole message before tokenising; each match becomes {@code <*>}.
         *
         * @param regex a Java regular expression
         * @return this builder
         */
        public Builder rule(String regex) {
            Objects.requireNonNull(regex, "regex");
            try {
                Pattern pattern = Pattern.compile(regex);
                if (pattern.matcher("").matches()) {
                    problems.add("Masking rule \"" + regex + "\" matches the empty string; it must match at least one character");
                } else {
                    rules.add(pattern);
                }
            } catch (PatternSyntaxException e) {
                problems.add("Masking rule \"" + regex + "\" is not a valid regular expression: "
                        + e.getDescription());
            }
            return this;
        }

        /**
         * @return the masking configuration
         * @throws ConfigurationException listing every invalid rule
         */
        public Masking build() {
            if (!problems.isEmpty()) {
                throw new ConfigurationException(problems);
            }
            return new Masking(this);
        }
    }
}
