package dev.anomalyops.app.pipeline;

/**
 * Where steps report what they are doing: lines for people on stderr, never on stdout (so {@code --json} stays
 * parseable). Long steps report a bar.
 */
@FunctionalInterface
public interface Progress {
    /** Reports nothing (tests, library use). */
    Progress NONE = line -> {};

    /** @param line one line for people */
    void line(String line);

    /**
     * Reports how far a long step is, as a text bar; callers report at most a few dozen times per step.
     *
     * @param what the step
     * @param done units done
     * @param total units in all
     */
    default void bar(String what, long done, long total) {
        int width = 30;
        int filled = total <= 0 ? width : (int) Math.min(width, done * width / total);
        line(String.format("  %-28s [%s%s] %3d%%", what, "#".repeat(filled), ".".repeat(width - filled),
                total <= 0 ? 100 : done * 100 / total));
    }
}
