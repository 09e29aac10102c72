package dev.anomalyops.train.detect;

import dev.anomalyops.core.ConfigurationException;
import java.util.Locale;

/**
 * How a detector sets its threshold, as scikit-learn's {@code contamination}: {@link #auto()} uses the
 * detector's natural cut (an Isolation Forest score of 0.5), a fraction {@code c} in (0, 0.5] puts the
 * threshold where a share {@code c} of the training rows is flagged.
 */
public final class Contamination {
    private static final Contamination AUTO = new Contamination(Double.NaN);
    private final double fraction;

    private Contamination(double fraction) {
        this.fraction = fraction;
    }

    /** @return the detector's natural threshold */
    public static Contamination auto() {
        return AUTO;
    }

    /**
     * @param fraction the share of training rows to flag, in (0, 0.5]
     * @return the setting
     * @throws ConfigurationException when the fraction is outside (0, 0.5]
     */
    public static Contamination of(double fraction) {
        if (!(fraction > 0.0 && fraction <= 0.5)) {
            throw new ConfigurationException("contamination was " + fraction + " but it must be \"auto\" or in (0, 0.5]");
        }
        return new Contamination(fraction);
    }

    /**
     * @param text {@code auto} or a number in (0, 0.5]
     * @return the setting
     * @throws ConfigurationException when the text is neither
     */
    public static Contamination parse(String text) {
        String t = text.strip().toLowerCase(Locale.ROOT);
        if (t.equals("auto")) {
            return AUTO;
        }
        try {
            return of(Double.parseDouble(t));
        } catch (NumberFormatException e) {
            throw new ConfigurationException("contamination was \"" + text + "\" but it must be \"auto\" or a number in (0, 0.5]");
        }
    }

    /** @return whether the detector's natural threshold is used */
    public boolean isAuto() {
        return Double.isNaN(fraction);
    }

    /**
     * @return the share of training rows to flag
     * @throws IllegalStateException for {@link #auto()}
     */
    public double fraction() {
        if (isAuto()) {
            throw new IllegalStateException("contamination is \"auto\"; it has no fraction");
        }
        return fraction;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Contamination that && Double.compare(fraction, that.fraction) == 0;
    }

    @Override
    public int hashCode() {
        return Double.hashCode(fraction);
    }

    /** @return {@code auto} or the fraction */
    @Override
    public String toString() {
        return isAuto() ? "auto" : Double.toString(fraction);
    }
}
