package dev.anomalyops.features.logs;

/**
 * A line seen by a regular expression, with a bound on how many characters the matcher may read. Loghub-style
 * formats are chains of lazy groups; on a long line that does not match they can backtrack for a very long time
 * (time grows with a power of the line length). Counting reads turns that into a rejected line.
 */
final class BudgetedText implements CharSequence {
    /** Reads allowed per character of the line, plus a fixed allowance for short lines. */
    private static final long READS_PER_CHARACTER = 50;
    private static final long FIXED_READS = 200_000;

    private final String text;
    private final long budget;
    private long reads;

    BudgetedText(String text) {
        this.text = text;
        this.budget = FIXED_READS + READS_PER_CHARACTER * text.length();
    }

    /** Thrown, and caught by the format, when the matcher exceeds the budget. */
    static final class Exhausted extends LogLineException {
        private static final long serialVersionUID = 1L;
        private final long budget;

        Exhausted(long budget) {
            super("The matcher read more than " + budget + " characters");
            this.budget = budget;
        }

        long budget() {
            return budget;
        }
    }

    @Override
    public int length() {
        return text.length();
    }

    @Override
    public char charAt(int index) {
        if (++reads > budget) {
            throw new Exhausted(budget);
        }
        return text.charAt(index);
    }

    @Override
    public CharSequence subSequence(int start, int end) {
        return text.substring(start, end);
    }

    @Override
    public String toString() {
        return text;
    }
}
