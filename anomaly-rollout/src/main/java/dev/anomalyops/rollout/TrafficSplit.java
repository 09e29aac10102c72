package dev.anomalyops.rollout;

import dev.anomalyops.core.ConfigurationException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Weighted variants, in a fixed order, plus the experiment's salt. Each variant owns a contiguous slice of
 * the unit interval, in order, proportional to its weight; a user's hashed position falls in exactly one slice.
 * Because the slices keep their order, changing weights moves only the users between the old and new
 * boundaries: growing the first variant from 10% to 30% moves exactly the users in [0.1, 0.3).
 *
 * @param variants variant names and weights, in slice order
 * @param salt makes assignments of different experiments independent
 */
public record TrafficSplit(List<Weighted> variants, String salt) {

    /**
     * One variant and its weight.
     *
     * @param name variant name, e.g. {@code champion}
     * @param weight non-negative weight; shares are weight / total
     */
    public record Weighted(String name, double weight) {
        /** Checks the name and weight. */
        public Weighted {
            Objects.requireNonNull(name, "name");
            if (!(weight >= 0) || Double.isInfinite(weight)) {
                throw new IllegalArgumentException("Weight of variant \"" + name + "\" must be >= 0 but was " + weight);
            }
        }
    }

    /** Validates that names are unique and the total weight is positive. */
    public TrafficSplit {
        Objects.requireNonNull(salt, "salt");
        variants = List.copyOf(variants);
        List<String> problems = new ArrayList<>();
        Set<String> names = new HashSet<>();
        double total = 0;
        for (Weighted variant : variants) {
            if (!names.add(variant.name())) {
                problems.add("variant \"" + variant.name() + "\" appears twice");
            }
            total += variant.weight();
        }
        if (variants.isEmpty() || !(total > 0)) {
            problems.add("the split needs at least one variant with a positive weight");
        }
        if (!problems.isEmpty()) {
            throw new ConfigurationException(problems);
        }
    }

    /**
     * @param first the first variant (its slice starts at 0)
     * @param firstPercent its share in percent, 0..100
     * @param second the second variant
     * @param salt the experiment's salt
     * @return a two-variant split
     */
    public static TrafficSplit of(String first, double firstPercent, String second, String salt) {
        if (!(firstPercent >= 0 && firstPercent <= 100)) {
            throw new IllegalArgumentException("firstPercent must be in [0, 100] but was " + firstPercent);
        }
        return new TrafficSplit(List.of(new Weighted(first, firstPercent), new Weighted(second, 100 - firstPercent)), salt);
    }

    /** @return each variant's share of traffic, in order, summing to 1 */
    public Map<String, Double> shares() {
        double total = variants.stream().mapToDouble(Weighted::weight).sum();
        Map<String, Double> shares = new LinkedHashMap<>();
        for (Weighted variant : variants) {
            shares.put(variant.name(), variant.weight() / total);
        }
        return shares;
    }

    /**
     * @param position a point in [0, 1)
     * @return the variant whose slice holds it
     */
    public String variantAt(double position) {
        double total = variants.stream().mapToDouble(Weighted::weight).sum();
        double cumulative = 0;
        String last = variants.get(0).name();
        for (Weighted variant : variants) {
            if (variant.weight() <= 0) {
                continue;
            }
            cumulative += variant.weight() / total;
            last = variant.name();
            if (position < cumulative) {
                return variant.name();
            }
        }
        return last; // rounding at the very top of the interval
    }
}
